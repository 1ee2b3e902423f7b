import { describe, expect, it } from 'vitest';
import type { WorkflowEvent } from './events.js';
import { PURCHASE_REQUEST as def, events } from './purchase-request.fixture.js';
import { replay } from './replay.js';

const statuses = (events: readonly WorkflowEvent[]) =>
  replay(def, events).history.map((h) => [h.event.id, h.status]);

describe('replay', () => {
  it('has no state before a start event', () => {
    const ev = events();
    const state = replay(def, [ev({ type: 'comment', text: 'early' })]);
    expect(state).toMatchObject({
      key: 'purchase-request',
      version: 1,
      state: null,
      data: {},
      assignee: null,
      conflicts: [],
    });
    expect(state.history).toEqual([
      expect.objectContaining({ status: 'rejected', reason: 'the instance has not been started' }),
    ]);
  });

  it('folds a straight run of events', () => {
    const ev = events();
    const history = [
      ev({ type: 'start', data: { amount: 120, reason: 'projector' } }),
      ev({ type: 'update', data: { category: 'equipment', reason: 'a projector' } }),
      ev({ type: 'assign', assignee: 'tom' }),
      ev({
        type: 'transition',
        transitionId: 'submit',
        fromState: 'draft',
        data: { vendorEmail: 'shop@example.org' },
      }),
      ev({ type: 'comment', text: 'looks fine' }),
      ev({ type: 'transition', transitionId: 'approve', fromState: 'submitted', assignee: null }),
    ];
    const state = replay(def, history);
    expect(state).toMatchObject({
      state: 'approved',
      stateEnteredBy: 'e6',
      assignee: null,
      data: { amount: 120, reason: 'a projector', category: 'equipment', vendorEmail: 'shop@example.org' },
      conflicts: [],
    });
    expect(state.history.every((h) => h.status === 'applied')).toBe(true);
  });

  it('applies update patches with RFC 7386 semantics (null removes a field)', () => {
    const ev = events();
    const state = replay(def, [
      ev({ type: 'start', data: { amount: 1, reason: 'x', category: 'travel' } }),
      ev({ type: 'update', data: { category: null } }),
    ]);
    expect(state.data).toEqual({ amount: 1, reason: 'x' });
  });

  it('gives concurrent transitions from the same state one winner: the lowest (at, author, id)', () => {
    const ev = events();
    const start = ev({ type: 'start', data: { amount: 100, reason: 'x' } });
    const submit = ev({ type: 'transition', transitionId: 'submit', fromState: 'draft' });
    const approve = ev(
      { type: 'transition', transitionId: 'approve', fromState: 'submitted' },
      { id: 'approve', at: '000010-0000', author: 'gw-b' },
    );
    const reject = ev(
      { type: 'transition', transitionId: 'reject', fromState: 'submitted', data: { rejectionReason: 'no' } },
      { id: 'reject', at: '000010-0000', author: 'gw-a' },
    );
    const approve2 = ev(
      { type: 'transition', transitionId: 'approve', fromState: 'submitted' },
      { id: 'approve2', at: '000011-0000', author: 'gw-a' },
    );
    const state = replay(def, [approve2, approve, reject, submit, start]);
    expect(state.state).toBe('rejected');
    expect(state.data.rejectionReason).toBe('no');
    expect(state.conflicts).toEqual([
      { fromState: 'submitted', enteredBy: submit.id, winner: 'reject', losers: ['approve', 'approve2'] },
    ]);
    expect(state.history.map((h) => [h.event.id, h.status])).toEqual([
      ['e1', 'applied'],
      ['e2', 'applied'],
      ['reject', 'applied'],
      ['approve', 'superseded'],
      ['approve2', 'superseded'],
    ]);
    expect(state.history[3].reason).toBe('event "reject" had already left "submitted"');
  });

  it("does not apply the loser's data", () => {
    const ev = events();
    const history = [
      ev({ type: 'start', data: { amount: 100, reason: 'x' } }),
      ev({ type: 'transition', transitionId: 'cancel', fromState: 'draft' }, { at: '000005-0000' }),
      ev(
        { type: 'transition', transitionId: 'submit', fromState: 'draft', data: { amount: 999 } },
        { at: '000005-0000', author: 'gw-z' },
      ),
    ];
    expect(replay(def, history)).toMatchObject({ state: 'withdrawn', data: { amount: 100 } });
  });

  it('reports a transition from a state the instance never was in as a conflict without a winner', () => {
    const ev = events();
    const state = replay(def, [
      ev({ type: 'start', data: {} }),
      ev({ type: 'transition', transitionId: 'revise', fromState: 'rejected' }),
    ]);
    expect(state.state).toBe('draft');
    expect(state.conflicts).toEqual([
      { fromState: 'rejected', enteredBy: null, winner: null, losers: ['e2'] },
    ]);
    expect(state.history[1]).toMatchObject({
      status: 'superseded',
      reason: 'the instance was not in "rejected" here (it was in "draft")',
    });
  });

  it('pins a transition to the state occurrence named by fromEventId', () => {
    const ev = events();
    const start = ev({ type: 'start', data: { amount: 1, reason: 'x' } });
    const round = [
      ev({ type: 'transition', transitionId: 'submit', fromState: 'draft' }),
      ev({ type: 'transition', transitionId: 'reject', fromState: 'submitted' }),
      ev({ type: 'transition', transitionId: 'revise', fromState: 'rejected' }),
    ];
    // Taken while the instance was in its first draft (entered by the start event), delivered late.
    const stale = ev({
      type: 'transition',
      transitionId: 'cancel',
      fromState: 'draft',
      fromEventId: start.id,
    });
    const state = replay(def, [start, ...round, stale]);
    expect(state.state).toBe('draft');
    expect(state.conflicts).toEqual([
      { fromState: 'draft', enteredBy: start.id, winner: 'e2', losers: [stale.id] },
    ]);
    // Pinned to the current occurrence, it applies.
    const fresh = ev({ type: 'transition', transitionId: 'cancel', fromState: 'draft', fromEventId: 'e4' });
    expect(replay(def, [start, ...round, fresh]).state).toBe('withdrawn');
  });

  it('rejects transitions that contradict the definition', () => {
    const ev = events();
    const history = [
      ev({ type: 'start', data: {} }),
      ev({ type: 'transition', transitionId: 'teleport', fromState: 'draft' }),
      ev({ type: 'transition', transitionId: 'approve', fromState: 'draft' }),
      ev({ type: 'transition', transitionId: 'submit', fromState: 'draft', fromEventId: 'e1' }),
      ev({ type: 'transition', transitionId: 'approve', fromState: 'submitted', fromEventId: 'e1' }),
    ];
    const state = replay(def, history);
    expect(state.history.slice(1).map((h) => h.reason)).toEqual([
      'unknown transition "teleport"',
      'transition "approve" leaves "submitted", not "draft"',
      undefined,
      'event "e1" entered "draft", not "submitted"',
    ]);
    expect(state.state).toBe('submitted');
    expect(state.conflicts).toEqual([]);
  });

  it('rejects a second start, and updates and assignments after a final state, but keeps comments', () => {
    const ev = events();
    const history = [
      ev({ type: 'start', data: { amount: 1 } }),
      ev({ type: 'start', data: { amount: 2 } }),
      ev({ type: 'transition', transitionId: 'cancel', fromState: 'draft' }),
      ev({ type: 'update', data: { amount: 3 } }),
      ev({ type: 'assign', assignee: 'tom' }),
      ev({ type: 'comment', text: 'why?' }),
    ];
    const state = replay(def, history);
    expect(state).toMatchObject({ state: 'withdrawn', data: { amount: 1 }, assignee: null });
    expect(state.history.map((h) => h.status)).toEqual([
      'applied',
      'rejected',
      'applied',
      'rejected',
      'rejected',
      'applied',
    ]);
    expect(state.history[1].reason).toBe('the instance was already started by event "e1"');
    expect(state.history[3].reason).toBe('the instance is closed (final state "withdrawn")');
  });

  it('rejects unknown event types', () => {
    const ev = events();
    const odd = {
      id: 'odd',
      at: '000009-0000',
      author: 'gw-a',
      actor: 'ann',
      type: 'vote',
    } as unknown as WorkflowEvent;
    expect(replay(def, [ev({ type: 'start', data: {} }), odd]).history[1]).toMatchObject({
      status: 'rejected',
      reason: 'unknown event type "vote"',
    });
  });

  it('counts duplicate events once', () => {
    const ev = events();
    const start = ev({ type: 'start', data: {} });
    const submit = ev({ type: 'transition', transitionId: 'submit', fromState: 'draft' });
    expect(statuses([start, submit, submit, start, submit])).toEqual([
      ['e1', 'applied'],
      ['e2', 'applied'],
    ]);
  });

  it('gives the same result for any delivery order', () => {
    const ev = events();
    const history = [
      ev({ type: 'start', data: { amount: 10, reason: 'x' } }),
      ev({ type: 'transition', transitionId: 'submit', fromState: 'draft' }),
      ev({ type: 'transition', transitionId: 'cancel', fromState: 'draft' }),
      ev({ type: 'update', data: { amount: 20 } }),
      ev({ type: 'transition', transitionId: 'approve', fromState: 'submitted' }),
    ];
    const expected = replay(def, history);
    expect(replay(def, [...history].reverse())).toEqual(expected);
    expect(replay(def, [history[3], history[0], history[4], history[2], history[1]])).toEqual(expected);
  });

  it('does not share data objects with the events', () => {
    const ev = events();
    const start = ev({ type: 'start', data: { amount: 1, nested: { a: 1 } } }) as {
      data: { nested: { a: number } };
    } & WorkflowEvent;
    const state = replay(def, [start]);
    (state.data.nested as { a: number }).a = 2;
    expect(start.data.nested.a).toBe(1);
  });
});
