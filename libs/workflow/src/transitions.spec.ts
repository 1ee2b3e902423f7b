import { describe, expect, it } from 'vitest';
import { PURCHASE_REQUEST as def, events } from './purchase-request.fixture.js';
import { type InstanceState, replay } from './replay.js';
import { actionableRoles, availableTransitions, takeTransition } from './transitions.js';

function submitted(amount: number): InstanceState {
  const ev = events();
  return replay(def, [
    ev({ type: 'start', data: { amount, reason: 'projector' } }),
    ev({ type: 'transition', transitionId: 'submit', fromState: 'draft' }),
  ]);
}

describe('availableTransitions', () => {
  it('lists the transitions leaving the current state with whether the actor may take them', () => {
    expect(availableTransitions(def, submitted(800), ['treasurer'])).toEqual([
      {
        transition: def.transitions[2],
        allowed: false,
        reasons: ['amounts over 500 must be approved by the board'],
      },
      {
        transition: def.transitions[3],
        allowed: false,
        reasons: ['rejectionReason is required to take "Reject"'],
      },
    ]);
    expect(
      availableTransitions(def, submitted(800), ['board']).map((a) => [a.transition.id, a.allowed]),
    ).toEqual([
      ['approve', true],
      ['reject', false],
    ]);
  });

  it('gives every reason, including the missing role', () => {
    const [approve] = availableTransitions(def, submitted(800), ['member']);
    expect(approve.reasons).toEqual([
      'transition "approve" needs one of the roles treasurer, board',
      'amounts over 500 must be approved by the board',
    ]);
  });

  it('is empty before start, in a final state, or for another version', () => {
    expect(availableTransitions(def, replay(def, []), ['owner'])).toEqual([]);
    const ev = events();
    const closed = replay(def, [
      ev({ type: 'start', data: {} }),
      ev({ type: 'transition', transitionId: 'cancel', fromState: 'draft' }),
    ]);
    expect(availableTransitions(def, closed, ['requester'])).toEqual([]);
    expect(availableTransitions({ ...def, version: 2 }, submitted(1), ['board'])).toEqual([]);
  });
});

describe('takeTransition', () => {
  it('returns the next state, the merged data and the event payload to record', () => {
    const instance = submitted(800);
    const result = takeTransition(def, instance, 'reject', ['treasurer'], {
      rejectionReason: 'too expensive',
    });
    expect(result).toEqual({
      ok: true,
      transition: def.transitions[3],
      nextState: 'rejected',
      data: { amount: 800, reason: 'projector', rejectionReason: 'too expensive' },
      event: {
        type: 'transition',
        transitionId: 'reject',
        fromState: 'submitted',
        fromEventId: 'e2',
        data: { rejectionReason: 'too expensive' },
      },
    });
    expect(instance.data).toEqual({ amount: 800, reason: 'projector' });
  });

  it('is NOT_AVAILABLE for unknown transitions, other states, unstarted or closed instances', () => {
    expect(takeTransition(def, submitted(1), 'fly', ['owner'])).toEqual({
      ok: false,
      code: 'NOT_AVAILABLE',
      errors: [{ message: 'unknown transition "fly"' }],
    });
    expect(takeTransition(def, submitted(1), 'submit', ['requester'])).toEqual({
      ok: false,
      code: 'NOT_AVAILABLE',
      errors: [{ message: 'transition "submit" leaves "draft", but the instance is in "submitted"' }],
    });
    expect(takeTransition(def, replay(def, []), 'submit', ['requester'])).toMatchObject({
      ok: false,
      code: 'NOT_AVAILABLE',
    });
    expect(takeTransition({ ...def, version: 3 }, submitted(1), 'approve', ['board'])).toMatchObject({
      ok: false,
      code: 'NOT_AVAILABLE',
      errors: [{ message: 'the instance runs "purchase-request" v1, not "purchase-request" v3' }],
    });
  });

  it("is FORBIDDEN without one of the transition's roles, before any data problem", () => {
    expect(takeTransition(def, submitted(800), 'approve', ['member', 'editor'])).toEqual({
      ok: false,
      code: 'FORBIDDEN',
      errors: [{ message: 'transition "approve" needs one of the roles treasurer, board' }],
    });
  });

  it('is INVALID when the condition fails, required fields are empty or the merged form is invalid', () => {
    expect(takeTransition(def, submitted(800), 'approve', ['treasurer'])).toEqual({
      ok: false,
      code: 'INVALID',
      errors: [{ message: 'amounts over 500 must be approved by the board' }],
    });
    expect(
      takeTransition(def, submitted(800), 'reject', ['board'], { rejectionReason: '', amount: -1 }),
    ).toEqual({
      ok: false,
      code: 'INVALID',
      errors: [
        { field: 'rejectionReason', message: 'is required to take "Reject"' },
        { field: 'amount', message: 'must be >= 0' },
      ],
    });
  });

  it('evaluates the condition on the data after the patch', () => {
    expect(takeTransition(def, submitted(800), 'approve', ['treasurer'], { amount: 450 })).toMatchObject({
      ok: true,
      data: { amount: 450 },
    });
  });

  it('reports a condition that cannot be evaluated', () => {
    const broken = {
      ...def,
      transitions: def.transitions.map((t) => (t.id === 'approve' ? { ...t, condition: { oops: [] } } : t)),
    };
    expect(takeTransition(broken, submitted(1), 'approve', ['board'])).toEqual({
      ok: false,
      code: 'INVALID',
      errors: [{ message: 'the condition of "Approve" could not be evaluated: unknown operator "oops"' }],
    });
  });

  it('omits fromEventId and data from the payload when there are none', () => {
    const ev = events();
    const instance = replay(def, [ev({ type: 'start', data: { amount: 1, reason: 'x' } })]);
    const result = takeTransition(def, instance, 'submit', ['requester']);
    expect(result.ok && result.event).toEqual({
      type: 'transition',
      transitionId: 'submit',
      fromState: 'draft',
      fromEventId: 'e1',
    });
  });
});

describe('actionableRoles', () => {
  it('names the roles that can move the instance on now', () => {
    const ev = events();
    const draft = replay(def, [ev({ type: 'start', data: { amount: 5, reason: 'pens' } })]);
    expect(actionableRoles(def, draft)).toEqual({ roles: ['requester'], exact: true });
    // "reject" needs a reason filled in when it is taken, so it does not count; approving reads the actor's roles.
    expect(actionableRoles(def, submitted(800))).toEqual({ roles: ['board', 'treasurer'], exact: false });
    const noRoleConditions = {
      ...def,
      transitions: def.transitions.map((t) =>
        t.id === 'approve' ? { ...t, condition: { '<=': [{ var: 'amount' }, 500] } } : t,
      ),
    };
    expect(actionableRoles(noRoleConditions, submitted(800))).toEqual({ roles: [], exact: true });
    expect(actionableRoles(noRoleConditions, submitted(100))).toEqual({
      roles: ['board', 'treasurer'],
      exact: true,
    });
  });

  it('is empty when nobody can act: not started, or closed', () => {
    expect(actionableRoles(def, replay(def, []))).toEqual({ roles: [], exact: true });
    const ev = events();
    const closed = replay(def, [
      ev({ type: 'start', data: {} }),
      ev({ type: 'transition', transitionId: 'cancel', fromState: 'draft' }),
    ]);
    expect(actionableRoles(def, closed)).toEqual({ roles: [], exact: true });
  });
});
