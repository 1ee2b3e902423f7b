/**
 * A JSON Schema checker for the member's browser that needs no `eval`.
 *
 * rjsf's usual validator (ajv) compiles each schema to code with
 * `new Function`, which the gateway's Content-Security-Policy forbids
 * (script-src 'self', no 'unsafe-eval'). The gateway validates every form
 * with the workflow engine (ajv, server side) and that answer is the one that
 * counts; this checker covers the keywords forms use, so members see most
 * mistakes before sending, and lets rjsf pick oneOf/anyOf branches.
 */
import type { RJSFSchema, RJSFValidationError, ValidatorType } from '@rjsf/utils';
import { toErrorSchema } from '@rjsf/utils';

export type Messages = {
  required: string;
  type: (type: string) => string;
  enum: string;
  minimum: (n: number) => string;
  maximum: (n: number) => string;
  minLength: (n: number) => string;
  maxLength: (n: number) => string;
  pattern: string;
  format: (format: string) => string;
  minItems: (n: number) => string;
  maxItems: (n: number) => string;
};

type Schema = RJSFSchema | boolean;

const FORMATS: Record<string, RegExp> = {
  date: /^\d{4}-\d{2}-\d{2}$/,
  'date-time': /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/,
  email: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
  uri: /^[a-z][a-z0-9+.-]*:\S+$/i,
};

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function matchesType(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

function resolveRef(schema: RJSFSchema, root: RJSFSchema): Schema {
  if (typeof schema.$ref !== 'string' || !schema.$ref.startsWith('#/')) return schema;
  let target: unknown = root;
  for (const part of schema.$ref.slice(2).split('/')) {
    target = (target as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return (target as Schema | undefined) ?? true;
}

const child = (path: string, key: string | number) =>
  typeof key === 'number'
    ? `${path}.${key}`
    : /^[A-Za-z_$][\w$]*$/.test(key)
      ? `${path}.${key}`
      : `${path}['${key}']`;

/** Every problem of `value` against `schema`, as rjsf errors (property paths like `.amount`). */
export function check(
  schemaIn: Schema,
  value: unknown,
  root: RJSFSchema,
  messages: Messages,
  path = '',
): RJSFValidationError[] {
  if (schemaIn === true) return [];
  if (schemaIn === false)
    return [{ property: path, name: 'false', message: messages.enum, stack: `${path} ${messages.enum}` }];
  const schema = resolveRef(schemaIn, root);
  if (typeof schema === 'boolean') return check(schema, value, root, messages, path);
  const errors: RJSFValidationError[] = [];
  const add = (name: string, message: string, property = path) =>
    errors.push({ name, property, message, stack: `${property || '.'} ${message}`.trim() });

  if (value === undefined) return errors;

  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.length && !types.some((t) => matchesType(value, t))) {
    add('type', messages.type(types.join(' / ')));
    return errors;
  }
  if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value)))
    add('enum', messages.enum);
  if (schema.const !== undefined && JSON.stringify(schema.const) !== JSON.stringify(value))
    add('const', messages.enum);

  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum)
      add('minimum', messages.minimum(schema.minimum));
    if (typeof schema.maximum === 'number' && value > schema.maximum)
      add('maximum', messages.maximum(schema.maximum));
    if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum)
      add('exclusiveMinimum', messages.minimum(schema.exclusiveMinimum));
    if (typeof schema.exclusiveMaximum === 'number' && value >= schema.exclusiveMaximum)
      add('exclusiveMaximum', messages.maximum(schema.exclusiveMaximum));
  }
  if (typeof value === 'string') {
    const length = [...value].length;
    if (typeof schema.minLength === 'number' && length < schema.minLength)
      add('minLength', messages.minLength(schema.minLength));
    if (typeof schema.maxLength === 'number' && length > schema.maxLength)
      add('maxLength', messages.maxLength(schema.maxLength));
    if (typeof schema.pattern === 'string') {
      try {
        if (!new RegExp(schema.pattern, 'u').test(value)) add('pattern', messages.pattern);
      } catch {
        // A pattern this browser cannot compile: leave it to the gateway.
      }
    }
    const format = schema.format ? FORMATS[schema.format] : undefined;
    if (format && !format.test(value)) add('format', messages.format(String(schema.format)));
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems)
      add('minItems', messages.minItems(schema.minItems));
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems)
      add('maxItems', messages.maxItems(schema.maxItems));
    if (schema.items && typeof schema.items === 'object' && !Array.isArray(schema.items)) {
      value.forEach((item, i) => {
        errors.push(...check(schema.items as Schema, item, root, messages, child(path, i)));
      });
    }
  }
  if (typeOf(value) === 'object') {
    const record = value as Record<string, unknown>;
    for (const name of schema.required ?? []) {
      const v = record[name];
      if (v === undefined || v === null || v === '') add('required', messages.required, child(path, name));
    }
    for (const [name, sub] of Object.entries(schema.properties ?? {})) {
      if (name in record)
        errors.push(...check(sub as Schema, record[name], root, messages, child(path, name)));
    }
  }
  for (const sub of schema.allOf ?? []) errors.push(...check(sub as Schema, value, root, messages, path));
  if (
    schema.anyOf &&
    !schema.anyOf.some((s) => check(s as Schema, value, root, messages, path).length === 0)
  ) {
    add('anyOf', messages.enum);
  }
  if (
    schema.oneOf &&
    schema.oneOf.filter((s) => check(s as Schema, value, root, messages, path).length === 0).length !== 1
  ) {
    add('oneOf', messages.enum);
  }
  if (schema.not && check(schema.not as Schema, value, root, messages, path).length === 0)
    add('not', messages.enum);
  return errors;
}

export function cspSafeValidator(messages: Messages): ValidatorType {
  return {
    validateFormData(formData, schema, _customValidate, transformErrors, uiSchema) {
      let errors = check(schema, formData, schema, messages);
      if (transformErrors) errors = transformErrors(errors, uiSchema);
      return { errors, errorSchema: toErrorSchema(errors) };
    },
    isValid(schema, formData, rootSchema) {
      return check(schema, formData, rootSchema ?? schema, messages).length === 0;
    },
    rawValidation(schema, formData) {
      return { errors: check(schema, formData, schema, messages) as never[] };
    },
  };
}
