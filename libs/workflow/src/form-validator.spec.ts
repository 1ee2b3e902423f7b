import { describe, expect, it } from 'vitest';
import type { WorkflowDefinition } from './definition.js';
import { compileForm, validateForm } from './form-validator.js';
import { PURCHASE_REQUEST } from './purchase-request.fixture.js';

describe('validateForm', () => {
  it('accepts valid data', () => {
    expect(
      validateForm(PURCHASE_REQUEST, { amount: 120, reason: 'projector', vendorEmail: 'shop@example.org' }),
    ).toEqual({
      ok: true,
      errors: [],
    });
  });

  it('reports every problem with the field it concerns', () => {
    const result = validateForm(PURCHASE_REQUEST, { amount: -5, category: 'food', vendorEmail: 'nope' });
    expect(result.ok).toBe(false);
    expect(result.errors).toEqual([
      { field: 'reason', message: 'is required' },
      { field: 'amount', message: 'must be >= 0' },
      { field: 'category', message: 'must be one of: "equipment", "travel", "services"' },
      { field: 'vendorEmail', message: 'must be a valid email' },
    ]);
  });

  it('reports wrong types and length limits', () => {
    expect(validateForm(PURCHASE_REQUEST, { amount: '12', reason: '' }).errors).toEqual([
      { field: 'amount', message: 'must be of type number' },
      { field: 'reason', message: 'must NOT have fewer than 1 characters' },
    ]);
  });

  it('names nested fields with dotted paths and unknown fields when additionalProperties is false', () => {
    const def: WorkflowDefinition = {
      ...PURCHASE_REQUEST,
      form: {
        type: 'object',
        additionalProperties: false,
        properties: {
          address: {
            type: 'object',
            properties: { city: { type: 'string' }, 'a/b': { type: 'string' } },
            required: ['city'],
          },
        },
      },
    };
    expect(validateForm(def, { address: { 'a/b': 1 }, extra: true }).errors).toEqual([
      { field: 'extra', message: 'is not a field of this form' },
      { field: 'address.city', message: 'is required' },
      { field: 'address.a/b', message: 'must be of type string' },
    ]);
  });

  it('reports a form that is not an object', () => {
    expect(validateForm(PURCHASE_REQUEST, 'hello').errors).toEqual([
      { field: '', message: 'must be of type object' },
    ]);
  });

  it('returns an error instead of throwing when the schema does not compile', () => {
    const def = {
      ...PURCHASE_REQUEST,
      form: { type: 'object', properties: { a: { type: 'nope' } } },
    } as WorkflowDefinition;
    const result = validateForm(def, {});
    expect(result.ok).toBe(false);
    expect(result.errors[0].message).toMatch(/^the form schema does not compile: /);
  });

  it('compiles each schema object once', () => {
    expect(compileForm(PURCHASE_REQUEST.form)).toBe(compileForm(PURCHASE_REQUEST.form));
  });

  it('keeps definitions with the same key and version but different forms apart', () => {
    const strict: WorkflowDefinition = {
      ...PURCHASE_REQUEST,
      form: {
        ...PURCHASE_REQUEST.form,
        properties: { ...PURCHASE_REQUEST.form.properties, amount: { type: 'number', maximum: 10 } },
      },
    };
    expect(validateForm(PURCHASE_REQUEST, { amount: 50, reason: 'x' }).ok).toBe(true);
    expect(validateForm(strict, { amount: 50, reason: 'x' }).errors).toEqual([
      { field: 'amount', message: 'must be <= 10' },
    ]);
    expect(validateForm(PURCHASE_REQUEST, { amount: 50, reason: 'x' }).ok).toBe(true);
  });

  it('compiles forms that share an $id independently', () => {
    const a = {
      ...PURCHASE_REQUEST,
      form: { $id: 'https://example.org/form', type: 'object', properties: { n: { type: 'number' } } },
    } as WorkflowDefinition;
    const b = {
      ...PURCHASE_REQUEST,
      form: { $id: 'https://example.org/form', type: 'object', properties: { n: { type: 'string' } } },
    } as WorkflowDefinition;
    expect(validateForm(a, { n: 1 }).ok).toBe(true);
    expect(validateForm(b, { n: 1 }).ok).toBe(false);
  });

  it('does not modify the data it validates', () => {
    const data = { amount: 1, reason: 'x' };
    const copy = structuredClone(data);
    validateForm(PURCHASE_REQUEST, data);
    expect(data).toEqual(copy);
  });
});
