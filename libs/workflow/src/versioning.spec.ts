import { describe, expect, it } from 'vitest';
import type { WorkflowDefinition } from './definition.js';
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
});
