import { type CustomScalar, Scalar } from '@nestjs/graphql';
import { Kind, type ValueNode } from 'graphql';

/** Largest JSON value accepted as input (serialised), well under the op size limit. */
export const MAX_JSON_BYTES = 64 * 1024;
const MAX_DEPTH = 20;

function depthOf(value: unknown, depth = 0): number {
  if (depth > MAX_DEPTH || typeof value !== 'object' || value === null) return depth;
  let max = depth;
  for (const child of Object.values(value)) max = Math.max(max, depthOf(child, depth + 1));
  return max;
}

function checked(value: unknown): unknown {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError('JSON value expected');
  if (Buffer.byteLength(text) > MAX_JSON_BYTES)
    throw new TypeError(`JSON value over ${MAX_JSON_BYTES} bytes`);
  if (depthOf(value) > MAX_DEPTH) throw new TypeError(`JSON value nested over ${MAX_DEPTH} levels`);
  // A round trip drops anything JSON cannot carry (undefined, functions, prototypes).
  return JSON.parse(text);
}

function fromLiteral(node: ValueNode, variables?: Record<string, unknown> | null): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return node.values.map((v) => fromLiteral(v, variables));
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, fromLiteral(f.value, variables)]));
    case Kind.VARIABLE:
      return variables?.[node.name.value] ?? null;
    default:
      throw new TypeError('JSON value expected');
  }
}

/** The TypeScript side of the JSON scalar: use `@Field(() => JSONValue)`. */
export class JSONValue {}

/**
 * Any JSON value: workflow definitions, form data, conditions. Inputs are
 * size- and depth-limited. A Nest scalar class rather than a GraphQLScalarType
 * object: Nest loads graphql's CommonJS build and this file its ES module, and
 * a scalar object from the other copy is not recognised.
 */
@Scalar('JSON', () => JSONValue)
export class JSONScalar implements CustomScalar<unknown, unknown> {
  description = `Any JSON value (inputs up to ${MAX_JSON_BYTES} bytes)`;

  serialize(value: unknown): unknown {
    return value;
  }

  parseValue(value: unknown): unknown {
    return checked(value);
  }

  parseLiteral(node: ValueNode, variables?: Record<string, unknown> | null): unknown {
    return checked(fromLiteral(node, variables));
  }
}
