import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { definitionArb, historyArb, permutedHistoryArb, ROLES } from './arbitraries.fixture.js';
import { findTransition, initialState } from './definition.js';
import type { WorkflowEvent } from './events.js';
import { type InstanceState, replay } from './replay.js';
import { availableTransitions, takeTransition } from './transitions.js';
import { validateDefinition } from './validate-definition.js';

const runs = { numRuns: 200 };

describe('definition properties', () => {
  it('generated definitions are valid', () => {
    fc.assert(
      fc.property(definitionArb, (def) => {
        expect(validateDefinition(def)).toEqual({ ok: true });
      }),
      runs,
    );
  });

  it('an added state without incoming transitions is reported by name', () => {
    fc.assert(
      fc.property(definitionArb, fc.boolean(), (def, final) => {
        const result = validateDefinition({ ...def, states: [...def.states, { id: 'orphan', final }] });
        const initial = initialState(def).id;
        expect(result).toEqual({
          ok: false,
          errors: [
            {
              path: `states[${def.states.length}]`,
              message: `state "orphan" is unreachable from the initial state "${initial}"`,
            },
          ],
        });
      }),
      runs,
    );
  });

  it('validateDefinition never throws, whatever it is given', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.anything()), (input) => {
        expect(validateDefinition(input).ok).toBe(false);
      }),
      runs,
    );
  });
});

/** Walks the applied transitions from the initial state. */
function walk(def: Parameters<typeof replay>[0], state: InstanceState): string | null {
  let current: string | null = null;
  for (const { event, status } of state.history) {
    if (status !== 'applied') continue;
    if (event.type === 'start') current = initialState(def).id;
    if (event.type === 'transition') {
      expect(event.fromState).toBe(current);
      current = findTransition(def, event.transitionId)?.to ?? null;
    }
  }
  return current;
}

describe('replay properties', () => {
  it('gives a deep-equal result for any delivery order, with duplicates and concurrent transitions', () => {
    fc.assert(
      fc.property(permutedHistoryArb, ({ def, events, permuted }) => {
        expect(replay(def, permuted)).toEqual(replay(def, events));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps every distinct event once, in (at, author, id) order', () => {
    fc.assert(
      fc.property(permutedHistoryArb, ({ def, events }) => {
        const ids = replay(def, events).history.map((h) => h.event.id);
        expect(ids).toEqual(
          [...new Set(events.map((e) => e.id))].sort((a, b) => {
            const [x, y] = [a, b].map(
              (id) =>
                events
                  .filter((e) => e.id === id)
                  .map((e) => `${e.at}\u0000${e.author}`)
                  .sort()[0],
            );
            return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
          }),
        );
      }),
      runs,
    );
  });

  it('reports each superseded event in exactly one conflict, whose winner was applied', () => {
    fc.assert(
      fc.property(permutedHistoryArb, ({ def, events }) => {
        const state = replay(def, events);
        const status = new Map(state.history.map((h) => [h.event.id, h.status]));
        const losers = state.conflicts.flatMap((c) => c.losers);
        expect(new Set(losers).size).toBe(losers.length);
        expect(losers.sort()).toEqual(
          state.history
            .filter((h) => h.status === 'superseded')
            .map((h) => h.event.id)
            .sort(),
        );
        for (const conflict of state.conflicts) {
          if (conflict.winner !== null) expect(status.get(conflict.winner)).toBe('applied');
          expect(conflict.losers).not.toContain(conflict.winner);
        }
        const byId = new Map(state.history.map((h) => [h.event.id, h.event]));
        for (const conflict of state.conflicts) {
          const winner = conflict.winner === null ? undefined : byId.get(conflict.winner);
          if (winner?.type === 'transition') expect(winner.fromState).toBe(conflict.fromState);
          else expect(conflict.winner).toBeNull();
        }
      }),
      runs,
    );
  });

  it('ends in the state reached by walking the applied transitions', () => {
    fc.assert(
      fc.property(permutedHistoryArb, ({ def, events }) => {
        const state = replay(def, events);
        expect(walk(def, state)).toBe(state.state);
        if (state.state !== null) expect(def.states.map((s) => s.id)).toContain(state.state);
      }),
      runs,
    );
  });
});

describe('transition properties', () => {
  const scenario = definitionArb.chain((def) =>
    fc.record({
      def: fc.constant(def),
      events: historyArb(def),
      roles: fc.subarray(ROLES),
      patch: fc.option(fc.dictionary(fc.constantFrom('number0', 'string0'), fc.integer()), {
        nil: undefined,
      }),
    }),
  );

  it('availableTransitions allows exactly what takeTransition accepts', () => {
    fc.assert(
      fc.property(scenario, ({ def, events, roles }) => {
        const state = replay(def, events);
        for (const { transition, allowed, reasons } of availableTransitions(def, state, roles)) {
          const taken = takeTransition(def, state, transition.id, roles);
          expect(taken.ok).toBe(allowed);
          expect(reasons.length === 0).toBe(allowed);
        }
      }),
      runs,
    );
  });

  it('recording an accepted transition and replaying reaches its nextState and data', () => {
    fc.assert(
      fc.property(scenario, ({ def, events, roles, patch }) => {
        const state = replay(def, events);
        for (const { transition } of availableTransitions(def, state, roles)) {
          const taken = takeTransition(def, state, transition.id, roles, patch);
          if (!taken.ok) continue;
          const event = {
            ...taken.event,
            id: 'next',
            at: '999999-0000',
            author: 'gw-z',
            actor: 'ann',
          } as WorkflowEvent;
          const after = replay(def, [...events, event]);
          expect(after.state).toBe(taken.nextState);
          expect(after.data).toEqual(taken.data);
        }
      }),
      runs,
    );
  });
});
