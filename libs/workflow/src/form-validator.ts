/**
 * Form validation with ajv. Each form schema gets its own ajv instance and
 * compiled validator, cached in a WeakMap keyed by the schema object: two
 * definitions never share a cache entry unless they share the very same
 * (immutable) schema object, and nothing outlives its definition.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { WorkflowDefinition } from './definition.js';

export interface FieldError {
  /** Dotted path of the field (`amount`, `address.city`, `items.0`); "" for the form as a whole. */
  readonly field: string;
  readonly message: string;
}

export type FormValidation = { ok: true; errors: [] } | { ok: false; errors: FieldError[] };

export type CompiledForm = { ok: true; validate: ValidateFunction } | { ok: false; message: string };

const compiled = new WeakMap<object, CompiledForm>();

function newAjv(): Ajv {
  // strict: unknown keywords and type-less constraints are definition errors, not silently ignored.
  // logger: false keeps ajv from writing to the console.
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, logger: false });
  // ajv-formats is CommonJS; under NodeNext its default import is the module object.
  addFormats.default(ajv);
  return ajv;
}

/** Compiles a form schema once; later calls with the same object hit the cache. Never throws. */
export function compileForm(schema: object): CompiledForm {
  const cached = compiled.get(schema);
  if (cached) return cached;
  let result: CompiledForm;
  try {
    result = { ok: true, validate: newAjv().compile(schema) };
  } catch (error) {
    result = { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  compiled.set(schema, result);
  return result;
}

function decodePointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function toFieldError(error: ErrorObject): FieldError {
  const path = decodePointer(error.instancePath);
  const params = error.params as Record<string, unknown>;
  const at = (extra: unknown): string => [...path, String(extra)].join('.');
  switch (error.keyword) {
    case 'required':
      return { field: at(params.missingProperty), message: 'is required' };
    case 'additionalProperties':
      return { field: at(params.additionalProperty), message: 'is not a field of this form' };
    case 'enum':
      return {
        field: path.join('.'),
        message: `must be one of: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'format':
      return { field: path.join('.'), message: `must be a valid ${String(params.format)}` };
    case 'type':
      return { field: path.join('.'), message: `must be of type ${String(params.type)}` };
    default:
      return { field: path.join('.'), message: error.message ?? 'is invalid' };
  }
}

/** Validates form data against the definition's form; one message per failed rule, naming the field. */
export function validateForm(def: WorkflowDefinition, data: unknown): FormValidation {
  const form = compileForm(def.form);
  if (!form.ok)
    return {
      ok: false,
      errors: [{ field: '', message: `the form schema does not compile: ${form.message}` }],
    };
  if (form.validate(data)) return { ok: true, errors: [] };
  return { ok: false, errors: (form.validate.errors ?? []).map(toFieldError) };
}
