import { describe, expect, it } from 'vitest';
import type { WorkflowDefinition } from './definition.js';
import { EDIT_CONFLICT_WORKFLOW } from './edit-conflict.js';
import { PURCHASE_REQUEST } from './purchase-request.fixture.js';
import { type DefinitionIssue, validateDefinition } from './validate-definition.js';

/** A mutable deep copy of the purchase request, to break in one place. */
// biome-ignore lint/suspicious/noExplicitAny: these tests break definitions in arbitrary ways.
type Loose = any;

function purchase(): { -readonly [K in keyof WorkflowDefinition]: Loose } {
  return structuredClone(PURCHASE_REQUEST) as never;
}

function errorsOf(def: unknown): DefinitionIssue[] {
  const result = validateDefinition(def);
  if (result.ok) throw new Error('expected the definition to be invalid');
  return result.errors;
}

function messages(def: unknown): string[] {
  return errorsOf(def).map((e) => e.message);
}

describe('validateDefinition', () => {
  it('accepts the purchase request and the built-in edit conflict workflow', () => {
    expect(validateDefinition(PURCHASE_REQUEST)).toEqual({ ok: true });
    expect(validateDefinition(EDIT_CONFLICT_WORKFLOW)).toEqual({ ok: true });
  });

  it('names an unreachable state', () => {
    const def = purchase();
    def.states.push({ id: 'archived' });
    expect(errorsOf(def)).toContainEqual({
      path: 'states[5]',
      message: 'state "archived" is unreachable from the initial state "draft"',
    });
  });

  it('requires exactly one initial state', () => {
    const none = purchase();
    none.states[0].initial = false;
    expect(messages(none)).toContain('no initial state: mark exactly one state with "initial": true');
    const two = purchase();
    two.states[1].initial = true;
    expect(messages(two)).toContain(
      '2 initial states ("draft", "submitted"); exactly one state must be initial',
    );
  });

  it('requires a final state', () => {
    const def = purchase();
    def.states = def.states.map((s: { final?: boolean }) => ({ ...s, final: false }));
    expect(messages(def)).toContain('no final state: mark at least one state with "final": true');
  });

  it('reports duplicate state and transition ids', () => {
    const def = purchase();
    def.states.push({ id: 'draft' });
    def.transitions.push({ ...def.transitions[0] });
    expect(errorsOf(def)).toEqual(
      expect.arrayContaining([
        { path: 'states[5].id', message: 'duplicate state id "draft"' },
        { path: 'transitions[6].id', message: 'duplicate transition id "submit"' },
      ]),
    );
  });

  it('reports transitions to unknown states and out of final states', () => {
    const def = purchase();
    def.transitions.push({ id: 'reopen', name: 'Reopen', from: 'approved', to: 'draft', roles: ['admin'] });
    def.transitions.push({ id: 'lost', name: 'Lost', from: 'draft', to: 'limbo', roles: ['admin'] });
    expect(messages(def)).toEqual(
      expect.arrayContaining([
        'transition "reopen" leaves final state "approved"',
        'transition "lost" refers to unknown state "limbo" in "to"',
      ]),
    );
  });

  it('reports dead ends and states from which no final state can be reached', () => {
    const def = purchase();
    def.states.push({ id: 'stuck' }, { id: 'loop-a' }, { id: 'loop-b' });
    def.transitions.push(
      { id: 'to-stuck', name: 'Stick', from: 'draft', to: 'stuck', roles: ['admin'] },
      { id: 'to-a', name: 'A', from: 'draft', to: 'loop-a', roles: ['admin'] },
      { id: 'a-b', name: 'B', from: 'loop-a', to: 'loop-b', roles: ['admin'] },
      { id: 'b-a', name: 'A again', from: 'loop-b', to: 'loop-a', roles: ['admin'] },
    );
    expect(messages(def)).toEqual([
      'state "stuck" is a dead end: it is not final and no transition leaves it',
      'no final state can be reached from state "loop-a"',
      'no final state can be reached from state "loop-b"',
    ]);
  });

  it('reports unknown roles in transitions and assignees, and accepts declared custom roles', () => {
    const def = purchase();
    def.transitions[2].roles = ['treasure'];
    def.states[1].assigneeRoles = ['auditor'];
    const errors = errorsOf(def);
    expect(errors).toContainEqual({
      path: 'transitions[2].roles[0]',
      message:
        'transition "approve" names unknown role "treasure"; declare it in "roles" or use one of "owner", "admin", "editor", "member", "viewer", "requester", "treasurer", "board"',
    });
    expect(errors.map((e) => e.path)).toContain('states[1].assigneeRoles[0]');
    expect(errors).toHaveLength(2);
  });

  it('refuses a transition that nobody could take', () => {
    const def = purchase();
    def.transitions[1].roles = [];
    expect(messages(def)).toContain('transition "cancel" lists no roles, so nobody could take it');
  });

  it('reports requiredFields and condition vars that are not form fields', () => {
    const def = purchase();
    def.transitions[0].requiredFields = ['reason', 'amout'];
    def.transitions[2].condition = { '<=': [{ var: 'data.amount' }, 500] };
    expect(errorsOf(def)).toEqual([
      {
        path: 'transitions[0].requiredFields[1]',
        message: 'transition "submit" requires field "amout", which the form does not define',
      },
      {
        path: 'transitions[2].condition',
        message:
          'condition of transition "approve" refers to "data.amount", but the form has no field "data" (vars name form fields directly, e.g. {"var": "amount"})',
      },
    ]);
  });

  it('checks context vars and operators in conditions', () => {
    const def = purchase();
    def.transitions[2].condition = { and: [{ in: ['board', { var: 'context.roles' }] }, { log: 'x' }] };
    expect(messages(def)).toEqual([
      'condition of transition "approve" refers to "context.roles"; the context offers context.actorRoles, context.state, context.transition',
      'condition of transition "approve" uses unknown operator "log"',
    ]);
  });

  it("reports an invalid JSON Schema with ajv's message", () => {
    const def = purchase();
    def.form.properties.amount = { type: 'money' };
    const [issue] = errorsOf(def);
    expect(issue.path).toBe('form');
    expect(issue.message).toMatch(/^form is not a valid JSON Schema: schema is invalid: .*type/);
  });

  it('reports unknown schema keywords (ajv strict mode)', () => {
    const def = purchase();
    def.form.properties.amount = { type: 'number', widget: 'slider' };
    expect(messages(def)[0]).toMatch(/unknown keyword: "widget"/);
  });

  it('requires an object form and reserves the "context" field', () => {
    expect(messages({ ...purchase(), form: { type: 'string' } })).toContain(
      'form must be a JSON Schema object: { "type": "object", "properties": { ... } }',
    );
    const def = purchase();
    def.form.properties.context = { type: 'string' };
    def.form.required.push('missing');
    expect(messages(def)).toEqual([
      '"context" is reserved for conditions and cannot be a form field',
      'form requires field "missing", which it does not define',
      expect.stringMatching(/^form is not a valid JSON Schema/),
    ]);
  });

  it('checks the header fields', () => {
    expect(errorsOf({ ...purchase(), key: '', version: 0, name: 3 }).map((e) => e.path)).toEqual([
      'key',
      'version',
      'name',
    ]);
  });

  it('never throws on malformed input', () => {
    for (const input of [
      null,
      42,
      'x',
      [],
      {},
      { states: 'x', transitions: {} },
      { states: [null, { id: 1 }], transitions: [7, { id: 't' }] },
    ]) {
      expect(validateDefinition(input).ok).toBe(false);
    }
  });
});
