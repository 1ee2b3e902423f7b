import { describe, expect, it } from 'vitest';
import type { WorkflowEvent } from './events.js';
import { validateForm } from './form-validator.js';
import { PURCHASE_REQUEST as def, events } from './purchase-request.fixture.js';
import { type InstanceState, replay } from './replay.js';
import { availableTransitions, takeTransition } from './transitions.js';
import { validateDefinition } from './validate-definition.js';

/** Plays one actor's move the way a gateway would: check, then record the event. */
function act(
  log: WorkflowEvent[],
  actor: string,
  roles: string[],
  transitionId: string,
  patch?: Record<string, unknown>,
): InstanceState {
  const result = takeTransition(def, replay(def, log), transitionId, roles, patch);
  if (!result.ok)
    throw new Error(
      `${actor} could not take ${transitionId}: ${result.errors.map((e) => e.message).join('; ')}`,
    );
  const n = log.length + 1;
  log.push({
    ...result.event,
    id: `op${n}`,
    at: `${String(n).padStart(6, '0')}-0000`,
    author: 'gw-a',
    actor,
  });
  return replay(def, log);
}

describe('purchase request workflow', () => {
  it('is a valid definition', () => {
    expect(validateDefinition(def)).toEqual({ ok: true });
  });

  it('lets the treasurer approve a small request', () => {
    const log: WorkflowEvent[] = [
      events()({ type: 'start', data: { amount: 300, reason: 'new router' } }, { id: 'op0' }),
    ];
    act(log, 'ann', ['requester'], 'submit');
    expect(act(log, 'tom', ['treasurer'], 'approve').state).toBe('approved');
  });

  it('sends a large request to the board, returns a rejected one to the requester, and closes on approval', () => {
    const log: WorkflowEvent[] = [
      events()({ type: 'start', data: { amount: 2000, reason: 'solar panel' } }, { id: 'op0' }),
    ];
    act(log, 'ann', ['requester'], 'submit');

    expect(takeTransition(def, replay(def, log), 'approve', ['treasurer'])).toMatchObject({
      ok: false,
      code: 'INVALID',
      errors: [{ message: 'amounts over 500 must be approved by the board' }],
    });
    let state = act(log, 'bea', ['board'], 'reject', { rejectionReason: 'get a second quote' });
    expect(state.state).toBe('rejected');
    expect(
      availableTransitions(def, state, ['requester'])
        .filter((a) => a.allowed)
        .map((a) => a.transition.id),
    ).toEqual(['revise', 'withdraw']);

    state = act(log, 'ann', ['requester'], 'revise', { amount: 1500 });
    expect(state.state).toBe('draft');
    act(log, 'ann', ['requester'], 'submit');
    state = act(log, 'bea', ['board'], 'approve');
    expect(state).toMatchObject({
      state: 'approved',
      data: { amount: 1500, reason: 'solar panel' },
      conflicts: [],
    });
    expect(availableTransitions(def, state, ['board', 'requester'])).toEqual([]);
  });

  it('forbids a member without a workflow role', () => {
    const log: WorkflowEvent[] = [events()({ type: 'start', data: { amount: 10, reason: 'pens' } })];
    expect(takeTransition(def, replay(def, log), 'submit', ['member'])).toEqual({
      ok: false,
      code: 'FORBIDDEN',
      errors: [{ message: 'transition "submit" needs one of the roles requester' }],
    });
  });

  it('explains an invalid form field by field', () => {
    expect(validateForm(def, { amount: -3, reason: '' }).errors).toEqual([
      { field: 'amount', message: 'must be >= 0' },
      { field: 'reason', message: 'must NOT have fewer than 1 characters' },
    ]);
    const log: WorkflowEvent[] = [events()({ type: 'start', data: { amount: 10, reason: 'pens' } })];
    expect(takeTransition(def, replay(def, log), 'submit', ['requester'], { amount: 'ten' })).toEqual({
      ok: false,
      code: 'INVALID',
      errors: [{ field: 'amount', message: 'must be of type number' }],
    });
  });

  it('names the unreachable state of a broken variant', () => {
    const broken = { ...def, states: [...def.states, { id: 'archived', final: true }] };
    expect(validateDefinition(broken)).toEqual({
      ok: false,
      errors: [
        { path: 'states[5]', message: 'state "archived" is unreachable from the initial state "draft"' },
      ],
    });
  });

  it('shows both sides when treasurer and board decide at the same time on two gateways', () => {
    const log: WorkflowEvent[] = [
      events()({ type: 'start', data: { amount: 200, reason: 'chairs' } }, { id: 'op0' }),
    ];
    act(log, 'ann', ['requester'], 'submit');
    const seen = replay(def, log);
    const approve = takeTransition(def, seen, 'approve', ['treasurer']);
    const reject = takeTransition(def, seen, 'reject', ['board'], { rejectionReason: 'not now' });
    if (!approve.ok || !reject.ok) throw new Error('both should be allowed on their own gateway');
    const onA = {
      ...approve.event,
      id: 'a-1',
      at: '000100-0000',
      author: 'gw-a',
      actor: 'tom',
    } as WorkflowEvent;
    const onB = {
      ...reject.event,
      id: 'b-1',
      at: '000100-0001',
      author: 'gw-b',
      actor: 'bea',
    } as WorkflowEvent;
    const merged = replay(def, [...log, onB, onA]);
    expect(merged.state).toBe('approved');
    expect(merged.conflicts).toEqual([
      { fromState: 'submitted', enteredBy: 'op2', winner: 'a-1', losers: ['b-1'] },
    ]);
    expect(merged.history.at(-1)).toMatchObject({ status: 'superseded', event: { id: 'b-1', actor: 'bea' } });
    expect(replay(def, [onA, ...log, onB])).toEqual(merged);
  });
});
