import { describe, expect, it } from 'vitest';
import type { WorkflowDefinition } from './definition.js';
import type { WorkflowEvent } from './events.js';
import { events, PURCHASE_REQUEST } from './purchase-request.fixture.js';
import { replay } from './replay.js';
import { takeTransition } from './transitions.js';
import { type DefinitionDraft, migrateInstance, publishVersion } from './versioning.js';

const { version: _, ...draft } = PURCHASE_REQUEST;

function published(previous: WorkflowDefinition | undefined, next: DefinitionDraft): WorkflowDefinition {
  const result = publishVersion(previous, next);
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('; '));
  return result.definition;
}

/** v2: "submitted" becomes "review"; a required "costCentre" field arrives. */
const v2Draft: DefinitionDraft = {
  ...draft,
  states: draft.states.map((s) => (s.id === 'submitted' ? { ...s, id: 'review' } : s)),
  transitions: draft.transitions.map((t) => ({
    ...t,
    from: t.from === 'submitted' ? 'review' : t.from,
    to: t.to === 'submitted' ? 'review' : t.to,
  })),
  form: {
    ...draft.form,
    properties: { ...draft.form.properties, costCentre: { type: 'string' } },
    required: ['amount', 'reason', 'costCentre'],
  },
};

describe('publishVersion', () => {
  it('numbers versions from 1 and returns a frozen copy', () => {
    const v1 = published(undefined, draft);
    expect(v1.version).toBe(1);
    expect(Object.isFrozen(v1.states[0])).toBe(true);
    expect(Object.isFrozen(draft.states[0])).toBe(false);
    const v2 = published(v1, v2Draft);
    expect(v2.version).toBe(2);
    expect(publishVersion(v2, { ...draft, version: 3 })).toMatchObject({ ok: true, version: 3 });
  });

  it('refuses a wrong version, another key, or an invalid definition', () => {
    const v1 = published(undefined, draft);
    expect(publishVersion(v1, { ...draft, version: 5 })).toEqual({
      ok: false,
      errors: [{ path: 'version', message: 'version 5 cannot be published here; the next version is 2' }],
    });
    expect(publishVersion(v1, { ...draft, key: 'other' })).toEqual({
      ok: false,
      errors: [
        { path: 'key', message: 'key "other" differs from the previous version\'s key "purchase-request"' },
      ],
    });
    const broken = publishVersion(v1, { ...draft, states: [...draft.states, { id: 'archived' }] });
    expect(broken.ok === false && broken.errors.map((e) => e.message)).toEqual([
      'state "archived" is unreachable from the initial state "draft"',
    ]);
  });
});

describe('migrateInstance', () => {
  const v1 = published(undefined, draft);
  const v2 = published(v1, v2Draft);
  const ev = events();
  const submitted = replay(v1, [
    ev({ type: 'start', data: { amount: 5, reason: 'x' } }),
    ev({ type: 'transition', transitionId: 'submit', fromState: 'draft' }),
  ]);

  it('keeps running instances on their version', () => {
    expect(submitted.version).toBe(1);
    expect(takeTransition(v2, submitted, 'approve', ['board'])).toMatchObject({
      ok: false,
      code: 'NOT_AVAILABLE',
    });
    expect(takeTransition(v1, submitted, 'approve', ['board'])).toMatchObject({ ok: true });
  });

  it('names the state that has no counterpart', () => {
    expect(migrateInstance(v1, v2, submitted)).toEqual({
      ok: false,
      errors: [
        'state "submitted" of "purchase-request" v1 has no counterpart in "purchase-request" v2; map it to one of "draft", "review", "approved", "rejected", "withdrawn"',
      ],
    });
    expect(migrateInstance(v1, v2, submitted, { submitted: 'pending' })).toEqual({
      ok: false,
      errors: ['the state map sends "submitted" to "pending", which "purchase-request" v2 does not define'],
    });
  });

  it('maps the state explicitly, keeps history and data, and reports what the new form lacks', () => {
    const result = migrateInstance(v1, v2, submitted, { submitted: 'review' });
    if (!result.ok) throw new Error(result.errors.join('; '));
    expect(result.instance).toEqual({ ...submitted, version: 2, state: 'review' });
    expect(result.formErrors).toEqual([{ field: 'costCentre', message: 'is required' }]);
    expect(takeTransition(v2, result.instance, 'approve', ['board'], { costCentre: 'IT' })).toMatchObject({
      ok: true,
      nextState: 'approved',
    });
  });

  it('maps a state with the same id without a map', () => {
    const draftInstance = replay(v1, [
      events()({ type: 'start', data: { amount: 5, reason: 'x', costCentre: 'IT' } }),
    ]);
    expect(migrateInstance(v1, v2, draftInstance)).toMatchObject({
      ok: true,
      instance: { state: 'draft', version: 2 },
      formErrors: [],
    });
  });

  it('refuses other workflows and instances of another version', () => {
    expect(migrateInstance(v1, { ...v2, key: 'x' }, submitted)).toMatchObject({ ok: false });
    expect(migrateInstance(v2, v2, submitted)).toEqual({
      ok: false,
      errors: ['the instance runs "purchase-request" v1, not "purchase-request" v2'],
    });
  });

  it('only moves open instances, and only to newer versions', () => {
    const approved = replay(v1, [
      ...ev0(),
      ev({ type: 'transition', transitionId: 'approve', fromState: 'submitted' }, { at: '000009-0000' }),
    ]);
    expect(migrateInstance(v1, v2, approved, { approved: 'approved' })).toEqual({
      ok: false,
      errors: ['the instance is closed (final state "approved"); closed instances keep their version'],
    });
    const onV2 = replay(v2, [
      events()({ type: 'start', data: { amount: 5, reason: 'x', costCentre: 'IT' } }),
    ]);
    expect(migrateInstance(v2, v1, { ...onV2, version: 2 })).toMatchObject({ ok: false });
    expect(migrateInstance(v2, { ...v1, version: 2 }, onV2)).toEqual({
      ok: false,
      errors: [
        '"purchase-request" v2 is not newer than "purchase-request" v2; instances only move to newer versions',
      ],
    });
  });

  it('returns the event to record, with the data patch that makes the item fit the new form', () => {
    const result = migrateInstance(v1, v2, submitted, { submitted: 'review' }, { costCentre: 'IT' });
    if (!result.ok) throw new Error(result.errors.join('; '));
    expect(result.formErrors).toEqual([]);
    expect(result.instance.data).toEqual({ amount: 5, reason: 'x', costCentre: 'IT' });
    expect(result.event).toEqual({
      type: 'migrate',
      fromState: 'submitted',
      fromEventId: submitted.stateEnteredBy,
      fromVersion: 1,
      toVersion: 2,
      toState: 'review',
      data: { costCentre: 'IT' },
    });
  });
});

/** start, submit: an instance of v1 waiting in "submitted". */
function ev0(): WorkflowEvent[] {
  const ev = events();
  return [
    ev({ type: 'start', data: { amount: 900, reason: 'laptops' } }),
    ev({ type: 'transition', transitionId: 'submit', fromState: 'draft', fromEventId: 'e1' }),
  ];
}

describe('replaying a migration', () => {
  const v1 = published(undefined, draft);
  const v2 = published(v1, v2Draft);
  const definitions = (e: { toRef?: string }) => (e.toRef === 'v2' ? v2 : undefined);
  /** Recorded on gateway A: v1 "submitted" becomes v2 "review", with the cost centre filled in. */
  const migrate = (at: string, author = 'gw-a'): WorkflowEvent => ({
    id: `migrate-${at}`,
    at,
    author,
    actor: 'admin',
    type: 'migrate',
    fromState: 'submitted',
    fromEventId: 'e2',
    fromVersion: 1,
    toVersion: 2,
    toState: 'review',
    toRef: 'v2',
    data: { costCentre: 'IT' },
  });
  /** Recorded on gateway B, which had not seen the migration: the board approves on v1. */
  const approve = (at: string, author = 'gw-b'): WorkflowEvent => ({
    id: `approve-${at}`,
    at,
    author,
    actor: 'bea',
    type: 'transition',
    transitionId: 'approve',
    fromState: 'submitted',
    fromEventId: 'e2',
  });

  it('moves the instance to the new version; later events follow that version', () => {
    const after = replay(v1, [...ev0(), migrate('000005-0000')], { definitions });
    expect(after).toMatchObject({
      version: 2,
      state: 'review',
      stateEnteredBy: 'migrate-000005-0000',
      data: { amount: 900, reason: 'laptops', costCentre: 'IT' },
      conflicts: [],
    });
    expect(after.history.at(-1)?.status).toBe('applied');
    const approveOnV2 = takeTransition(v2, after, 'approve', ['board']);
    if (!approveOnV2.ok) throw new Error('approve refused');
    const done = replay(
      v1,
      [
        ...ev0(),
        migrate('000005-0000'),
        { ...approveOnV2.event, id: 'x', at: '000006-0000', author: 'gw-a', actor: 'bea' },
      ],
      { definitions },
    );
    expect(done).toMatchObject({ version: 2, state: 'approved' });
  });

  it('races a transition on another gateway: the first in (at, author, id) wins, in any delivery order', () => {
    // The migration first: the approval, made on v1, loses to it.
    const migrationFirst = [...ev0(), migrate('000005-0000'), approve('000006-0000')];
    const a = replay(v1, migrationFirst, { definitions });
    expect(replay(v1, [...migrationFirst].reverse(), { definitions })).toEqual(a);
    expect(a).toMatchObject({ version: 2, state: 'review' });
    expect(a.conflicts).toEqual([
      {
        fromState: 'submitted',
        enteredBy: 'e2',
        winner: 'migrate-000005-0000',
        losers: ['approve-000006-0000'],
      },
    ]);
    expect(a.history.at(-1)).toMatchObject({
      status: 'superseded',
      reason: 'event "migrate-000005-0000" had already migrated the instance from "submitted" to version 2',
    });

    // The approval first: the item closes on v1 and the migration loses.
    const approvalFirst = [...ev0(), approve('000005-0000', 'gw-a'), migrate('000005-0000', 'gw-b')];
    const b = replay(v1, approvalFirst, { definitions });
    expect(replay(v1, [...approvalFirst].reverse(), { definitions })).toEqual(b);
    expect(b).toMatchObject({ version: 1, state: 'approved' });
    expect(b.conflicts).toEqual([
      {
        fromState: 'submitted',
        enteredBy: 'e2',
        winner: 'approve-000005-0000',
        losers: ['migrate-000005-0000'],
      },
    ]);
  });

  it('rejects migrations it cannot apply, with the reason', () => {
    const reasons = (event: WorkflowEvent, options = { definitions }) =>
      replay(v1, [...ev0(), event], options).history.at(-1);
    expect(reasons(migrate('000005-0000'), { definitions: () => undefined })).toMatchObject({
      status: 'rejected',
      reason: 'version 2 of "purchase-request" is not known here',
    });
    expect(reasons({ ...migrate('000005-0000'), toState: 'pending' } as WorkflowEvent)).toMatchObject({
      status: 'rejected',
      reason: 'version 2 of "purchase-request" has no state "pending"',
    });
    expect(reasons({ ...migrate('000005-0000'), toVersion: 3 } as WorkflowEvent)).toMatchObject({
      status: 'rejected',
      reason: 'the target definition is version 2, not 3',
    });
    expect(reasons(migrate('000005-0000'), { definitions: () => ({ ...v2, version: 1 }) })).toMatchObject({
      status: 'rejected',
    });
    expect(reasons({ ...migrate('000005-0000'), fromVersion: 2 } as WorkflowEvent)).toMatchObject({
      status: 'rejected',
      reason: 'the migration starts from version 2, but the instance runs version 1',
    });
  });
});
