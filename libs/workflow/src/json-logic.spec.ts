import { describe, expect, it } from 'vitest';
import { checkLogic, disallowedOperator, evaluateCondition, readsActorRoles } from './json-logic.js';

const fields = new Set(['amount', 'items', 'address']);
const context = { actorRoles: ['treasurer'], state: 'submitted', transition: 'approve' };

describe('checkLogic', () => {
  it('accepts form fields, nested paths, context keys and literals', () => {
    expect(
      checkLogic(
        {
          and: [
            { '<=': [{ var: 'amount' }, 500] },
            { '==': [{ var: ['address.city', 'nowhere'] }, 'Lyon'] },
            { in: ['board', { var: 'context.actorRoles' }] },
            { '!': { missing: ['amount'] } },
            { '==': [{ a: 1, b: 2 }, { var: '' }] },
          ],
        },
        fields,
      ),
    ).toEqual([]);
  });

  it('reports vars and missing names that are not form fields', () => {
    expect(
      checkLogic(
        { or: [{ var: 'amout' }, { missing: ['reason'] }, { missing_some: [1, ['amount', 'price']] }] },
        fields,
      ),
    ).toEqual([
      'refers to "amout", but the form has no field "amout"',
      'refers to "reason", but the form has no field "reason"',
      'refers to "price", but the form has no field "price"',
    ]);
  });

  it('does not check element vars inside map, filter, all, none, some and reduce', () => {
    const rule = {
      and: [
        { all: [{ var: 'items' }, { '>': [{ var: 'price' }, 0] }] },
        {
          reduce: [
            { var: 'items' },
            { '+': [{ var: 'current' }, { var: 'accumulator' }] },
            { var: 'amount' },
          ],
        },
        { some: [{ var: 'itemz' }, { var: 'x' }] },
      ],
    };
    expect(checkLogic(rule, fields)).toEqual(['refers to "itemz", but the form has no field "itemz"']);
  });

  it('reports unknown operators, including log, and dynamic var names', () => {
    expect(
      checkLogic({ and: [{ log: 1 }, { frobnicate: [1] }, { var: { cat: ['am', 'ount'] } }] }, fields),
    ).toEqual([
      'uses unknown operator "log"',
      'uses unknown operator "frobnicate"',
      'has a var whose name is not a literal string: {"cat":["am","ount"]}',
    ]);
  });
});

describe('evaluateCondition', () => {
  it('reads form fields and the context', () => {
    const rule = {
      or: [{ '<=': [{ var: 'amount' }, 500] }, { in: ['board', { var: 'context.actorRoles' }] }],
    };
    expect(evaluateCondition(rule, { amount: 400 }, context)).toEqual({ ok: true, value: true });
    expect(evaluateCondition(rule, { amount: 900 }, context)).toEqual({ ok: true, value: false });
    expect(evaluateCondition(rule, { amount: 900 }, { ...context, actorRoles: ['board'] })).toEqual({
      ok: true,
      value: true,
    });
    expect(evaluateCondition({ '==': [{ var: 'context.state' }, 'submitted'] }, {}, context)).toEqual({
      ok: true,
      value: true,
    });
  });

  it('uses JSON Logic truthiness (an empty array is false)', () => {
    expect(evaluateCondition({ missing: ['amount'] }, { amount: 1 }, context)).toEqual({
      ok: true,
      value: false,
    });
  });

  it('lets the context win over a data field of the same name', () => {
    expect(
      evaluateCondition(
        { '==': [{ var: 'context.state' }, 'submitted'] },
        { context: { state: 'forged' } },
        context,
      ).ok,
    ).toBe(true);
    expect(
      evaluateCondition(
        { '==': [{ var: 'context.state' }, 'submitted'] },
        { context: { state: 'forged' } },
        context,
      ),
    ).toEqual({
      ok: true,
      value: true,
    });
  });

  it('returns an error instead of throwing, and never runs disallowed operators', () => {
    expect(evaluateCondition({ nope: [] }, {}, context)).toEqual({
      ok: false,
      error: 'unknown operator "nope"',
    });
    expect(evaluateCondition({ and: [true, { log: 'x' }] }, {}, context)).toEqual({
      ok: false,
      error: 'unknown operator "log"',
    });
    expect(disallowedOperator([{ '==': [1, 1] }, { var: 'a' }])).toBeUndefined();
  });
});

describe('readsActorRoles', () => {
  it('finds context.actorRoles wherever a rule may read it', () => {
    expect(readsActorRoles({ in: ['board', { var: 'context.actorRoles' }] })).toBe(true);
    expect(
      readsActorRoles({ or: [{ '<=': [{ var: 'amount' }, 500] }, { var: ['context.actorRoles.0'] }] }),
    ).toBe(true);
    expect(readsActorRoles({ some: [{ var: 'context.actorRoles' }, { '==': [{ var: '' }, 'board'] }] })).toBe(
      true,
    );
    expect(readsActorRoles({ missing: ['context.actorRoles'] })).toBe(true);
    // The whole scope, the whole context, or a name computed at run time: it may.
    expect(readsActorRoles({ var: '' })).toBe(true);
    expect(readsActorRoles({ '!!': { var: 'context' } })).toBe(true);
    expect(readsActorRoles({ var: { cat: ['context.', 'actorRoles'] } })).toBe(true);
  });

  it('is false for rules over form fields and the rest of the context', () => {
    expect(readsActorRoles(undefined)).toBe(false);
    expect(readsActorRoles({ '<=': [{ var: 'amount' }, 500] })).toBe(false);
    expect(readsActorRoles({ '==': [{ var: 'context.state' }, 'submitted'] })).toBe(false);
    // Inside map/filter/all/some/none/reduce, vars name the element.
    expect(readsActorRoles({ all: [{ var: 'items' }, { var: 'context.actorRoles' }] })).toBe(false);
  });
});
