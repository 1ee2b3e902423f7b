import { EDIT_CONFLICT_WORKFLOW, replay, type WorkflowDefinition } from '@gatehouse/workflow';
import { describe, expect, it } from 'vitest';
import { expandOrgRole } from './custom-roles.js';
import { JSONScalar, MAX_JSON_BYTES } from './dtos/json.scalar.js';
import { type EventRow, toEngineEvent } from './workflow-events.util.js';
import { inboxColumns, waitsOn } from './workflow-inbox.util.js';
import { firstStart, waitingRoles } from './workflow-items.store.js';

const row = (kind: string, payload: object, extra: Partial<EventRow> = {}): EventRow => ({
  id: 'op1',
  org_id: 'org',
  instance_id: 'i1',
  kind,
  payload: JSON.stringify(payload),
  actor: 'ann',
  author: 'gw-a',
  hlc: '0000000000001.000000',
  ...extra,
});

describe('workflow events from ops', () => {
  it('maps each op kind to its engine event, with the op as envelope', () => {
    const envelope = { id: 'op1', at: '0000000000001.000000', author: 'gw-a', actor: 'ann' };
    expect(toEngineEvent(row('workflow.itemStarted', { itemId: 'i1', data: { amount: 3 } }))).toEqual({
      ...envelope,
      type: 'start',
      data: { amount: 3 },
    });
    expect(toEngineEvent(row('project.taskCreated', { taskId: 'i1', title: 'x' }))).toMatchObject({
      type: 'start',
      data: {},
    });
    expect(
      toEngineEvent(
        row('workflow.itemTransitioned', { transitionId: 'submit', fromState: 'draft', assignee: null }),
      ),
    ).toEqual({
      ...envelope,
      type: 'transition',
      transitionId: 'submit',
      fromState: 'draft',
      assignee: null,
    });
    expect(toEngineEvent(row('conflict.assigned', { assignee: 'bob' }))).toMatchObject({
      type: 'assign',
      assignee: 'bob',
    });
    expect(toEngineEvent(row('workflow.itemCommented', { text: 'hi' }))).toMatchObject({
      type: 'comment',
      text: 'hi',
    });
    expect(toEngineEvent(row('conflict.noted', { note: 'merged' }))).toMatchObject({
      type: 'update',
      data: { note: 'merged' },
    });
    expect(
      toEngineEvent(
        row('workflow.itemMigrated', {
          itemId: 'i1',
          toVersionId: 'ver-3',
          fromVersion: 1,
          toVersion: 3,
          fromState: 'submitted',
          fromEventId: 'op0',
          toState: 'review',
        }),
      ),
    ).toEqual({
      ...envelope,
      type: 'migrate',
      fromState: 'submitted',
      fromEventId: 'op0',
      fromVersion: 1,
      toVersion: 3,
      toState: 'review',
      toRef: 'ver-3',
    });
    expect(() => toEngineEvent(row('wiki.revision', {}))).toThrow(/not a workflow event/);
  });

  it('takes the first start in event order, whatever order rows come in', () => {
    const late = row('workflow.itemStarted', { versionId: 'v2' }, { id: 'b', hlc: '0000000000002.000000' });
    const early = row('workflow.itemStarted', { versionId: 'v1' }, { id: 'a', hlc: '0000000000001.000000' });
    expect(firstStart([late, early])?.id).toBe('a');
    expect(firstStart([early, late])?.id).toBe('a');
  });
});

describe('roles', () => {
  it('expands an organisation role to every role it includes', () => {
    expect(expandOrgRole('admin')).toEqual(['admin', 'editor', 'member', 'viewer']);
    expect(expandOrgRole('viewer')).toEqual(['viewer']);
    expect(expandOrgRole(null)).toEqual([]);
  });

  it('lists the roles an item waits on, none once final', () => {
    expect(waitingRoles(EDIT_CONFLICT_WORKFLOW, 'open')).toEqual(['admin', 'editor', 'owner']);
    expect(waitingRoles(EDIT_CONFLICT_WORKFLOW, 'resolved')).toEqual([]);
  });
});

describe('the JSON scalar', () => {
  const scalar = new JSONScalar();
  it('passes JSON through and drops what JSON cannot carry', () => {
    expect(scalar.parseValue({ a: [1, 'x', null], b: undefined })).toEqual({ a: [1, 'x', null] });
  });
  it('refuses oversized and deeply nested values', () => {
    expect(() => scalar.parseValue({ s: 'x'.repeat(MAX_JSON_BYTES) })).toThrow(/bytes/);
    let deep: unknown = 1;
    for (let i = 0; i < 30; i++) deep = [deep];
    expect(() => scalar.parseValue(deep)).toThrow(/nested/);
  });
});

describe('inbox columns', () => {
  /** Treasurers pay up to 500, the board anything above; only holders of "finance" hold submitted items; admins may cancel. */
  const def: WorkflowDefinition = {
    key: 'pay',
    version: 1,
    name: 'Pay',
    roles: ['treasurer', 'board', 'finance'],
    states: [
      { id: 'submitted', initial: true, assigneeRoles: ['finance'] },
      { id: 'paid', final: true },
    ],
    transitions: [
      {
        id: 'pay',
        name: 'Pay',
        from: 'submitted',
        to: 'paid',
        roles: ['treasurer'],
        condition: { '<=': [{ var: 'amount' }, 500] },
      },
      {
        id: 'pay-large',
        name: 'Pay',
        from: 'submitted',
        to: 'paid',
        roles: ['board'],
        condition: { '>': [{ var: 'amount' }, 500] },
      },
      { id: 'cancel', name: 'Cancel', from: 'submitted', to: 'paid', roles: ['admin'] },
    ],
    form: { type: 'object', properties: { amount: { type: 'number' } } },
  };
  const at = (amount: number) =>
    replay(def, [{ id: 'e1', at: '1', author: 'gw', actor: 'ann', type: 'start', data: { amount } }]);

  it('stores who can act now, exactly when no condition reads the actor’s roles', () => {
    expect(inboxColumns(def, at(100))).toEqual({
      readyRoles: '["admin","treasurer"]',
      readyExact: 1,
      assigneeRoles: '["finance"]',
    });
    expect(inboxColumns(def, at(900)).readyRoles).toBe('["admin","board"]');
    const closed = replay(def, [
      ...at(1).history.map((h) => h.event),
      {
        id: 'e2',
        at: '2',
        author: 'gw',
        actor: 'ann',
        type: 'transition',
        transitionId: 'pay',
        fromState: 'submitted',
      },
    ]);
    expect(inboxColumns(def, closed)).toEqual({ readyRoles: '[]', readyExact: 1, assigneeRoles: '[]' });
  });

  it('asks the engine with the actor’s roles, and wants a state assignee role', () => {
    expect(waitsOn(def, 'submitted', { amount: 100 }, ['finance', 'treasurer'])).toBe(true);
    expect(waitsOn(def, 'submitted', { amount: 900 }, ['finance', 'treasurer'])).toBe(false);
    expect(waitsOn(def, 'submitted', { amount: 100 }, ['treasurer'])).toBe(false);
    expect(waitsOn(def, 'submitted', { amount: 100 }, ['finance', 'admin'])).toBe(true);
  });
});
