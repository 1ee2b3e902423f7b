import { type DocumentNode, type GraphQLSchema, Kind, type TypeNode } from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { GatehouseError } from '../common/gatehouse-error.js';

export const MAX_QUERY_DEPTH = 10;
export const MAX_COMPLEXITY = 2000;

const estimators = [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })];

/** The named type under any list and non-null wrappers. */
function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}

/**
 * Costs already computed, per parsed document (Mercurius caches documents by
 * query text, so the same query arrives as the same object) and per values of
 * its Int and Boolean variables. Only Int arguments (`first`, `perColumn`) and
 * `@include`/`@skip` conditions enter a cost in this schema, so variables of
 * other types (ids, paths, inputs) need not be part of the key, and a read
 * repeated with other ids is not costed again.
 */
const COST_VARIABLE_TYPES = new Set(['Int', 'Boolean']);
const known = new WeakMap<DocumentNode, { costVars: string[]; costs: Map<string, number> }>();

function costOf(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>): number {
  let entry = known.get(document);
  if (!entry) {
    const costVars = document.definitions.flatMap((d) =>
      d.kind === Kind.OPERATION_DEFINITION
        ? (d.variableDefinitions ?? [])
            .filter((v) => COST_VARIABLE_TYPES.has(namedType(v.type)))
            .map((v) => v.variable.name.value)
        : [],
    );
    entry = { costVars, costs: new Map() };
    known.set(document, entry);
  }
  const key = JSON.stringify(entry.costVars.map((name) => variables[name] ?? null));
  let cost = entry.costs.get(key);
  if (cost === undefined) {
    cost = getComplexity({ schema, query: document, variables, estimators });
    if (entry.costs.size >= 64) entry.costs.clear();
    entry.costs.set(key, cost);
  }
  return cost;
}

/**
 * Refuses operations costing more than MAX_COMPLEXITY. List fields declare
 * their cost through `complexity` in their field options (multiplied by the
 * page size asked for). Run before execution rather than as a validation rule
 * so Mercurius can cache parsed and validated documents: the cost depends on
 * each request's variables.
 */
export function assertAffordable(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
): void {
  const cost = costOf(schema, document, variables);
  if (cost > MAX_COMPLEXITY) {
    throw new GatehouseError('QUERY_TOO_COMPLEX', `query costs ${cost}, over the limit of ${MAX_COMPLEXITY}`);
  }
}
