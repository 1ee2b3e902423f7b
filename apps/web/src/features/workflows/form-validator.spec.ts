import type { RJSFSchema } from '@rjsf/utils';
import { describe, expect, it } from 'vitest';
import { check, cspSafeValidator, type Messages } from './form-validator';

const messages: Messages = {
  required: 'required',
  type: (t) => `type ${t}`,
  enum: 'enum',
  minimum: (n) => `min ${n}`,
  maximum: (n) => `max ${n}`,
  minLength: (n) => `minLength ${n}`,
  maxLength: (n) => `maxLength ${n}`,
  pattern: 'pattern',
  format: (f) => `format ${f}`,
  minItems: (n) => `minItems ${n}`,
  maxItems: (n) => `maxItems ${n}`,
};

const schema: RJSFSchema = {
  type: 'object',
  required: ['amount', 'supplier'],
  properties: {
    amount: { type: 'number', minimum: 0, maximum: 1000 },
    supplier: { type: 'string', enum: ['a', 'b'] },
    needed: { type: 'string', format: 'date' },
    code: { type: 'string', pattern: '^[A-Z]{3}$' },
    items: { type: 'array', maxItems: 2, items: { type: 'integer' } },
    address: { $ref: '#/definitions/address' },
  },
  definitions: { address: { type: 'object', required: ['city'], properties: { city: { type: 'string' } } } },
};

const problems = (data: unknown) =>
  check(schema, data, schema, messages).map((e) => `${e.property} ${e.message}`);

describe('CSP-safe form validator', () => {
  it('accepts valid data', () => {
    expect(problems({ amount: 10, supplier: 'a', needed: '2026-01-31', code: 'ABC', items: [1] })).toEqual(
      [],
    );
  });

  it('reports each problem under its field, as rjsf expects', () => {
    expect(
      problems({ amount: 2000, needed: '31/01/2026', code: 'abc', items: [1, 2.5, 3], address: {} }).sort(),
    ).toEqual(
      [
        '.amount max 1000',
        '.supplier required',
        '.needed format date',
        '.code pattern',
        '.items maxItems 2',
        '.items.1 type integer',
        '.address.city required',
      ].sort(),
    );
    expect(problems({ amount: 'ten', supplier: 'c' })).toEqual(['.amount type number', '.supplier enum']);
  });

  it('gives rjsf an error schema and picks oneOf branches without eval', () => {
    const validator = cspSafeValidator(messages);
    const { errorSchema } = validator.validateFormData({ amount: -1, supplier: 'a' }, schema);
    expect(errorSchema).toEqual({ amount: { __errors: ['min 0'] } });
    const choice: RJSFSchema = { oneOf: [{ type: 'string' }, { type: 'number' }] };
    expect(validator.isValid(choice.oneOf?.[1] as RJSFSchema, 3, choice)).toBe(true);
    expect(validator.isValid(choice.oneOf?.[0] as RJSFSchema, 3, choice)).toBe(false);
  });
});
