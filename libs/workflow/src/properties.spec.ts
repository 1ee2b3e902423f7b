import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  counterpart,
  definitionArb,
  historyArb,
  permutedHistoryArb,
  ROLES,
  resolveIn,
  versionedHistoryArb,
} from './arbitraries.fixture.js';
import { findState, findTransition, initialState, type WorkflowDefinition } from './definition.js';
import type { WorkflowEvent } from './events.js';
import { type InstanceState, replay } from './replay.js';
import { actionableRoles, availableTransitions, takeTransition } from './transitions.js';
import { validateDefinition } from './validate-definition.js';
import { migrateInstance } from './versioning.js';

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

  it('actionableRoles says who can act: holding one of its roles is needed, and enough when exact', () => {
    let inexact = 0;
    fc.assert(
      fc.property(scenario, fc.array(fc.subarray(ROLES), { maxLength: 6 }), ({ def, events }, roleSets) => {
        const state = replay(def, events);
        const { roles, exact } = actionableRoles(def, state);
        if (!exact) inexact += 1;
        expect(roles).toEqual([...new Set(roles)].sort());
        for (const mine of [...roleSets, ROLES, []]) {
          const canAct = availableTransitions(def, state, mine).some((a) => a.allowed);
          const holds = roles.some((r) => mine.includes(r));
          if (canAct) expect(holds).toBe(true);
          if (exact) expect(canAct).toBe(holds);
        }
      }),
      runs,
    );
    expect(inexact).toBeGreaterThan(0);
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

/** Walks applied transitions and migrations, following the version each one moves to. */
function walkVersions(defs: readonly WorkflowDefinition[], state: InstanceState) {
  let current: string | null = null;
  let def = defs[0];
  for (const { event, status } of state.history) {
    if (status !== 'applied') continue;
    if (event.type === 'start') current = initialState(def).id;
    if (event.type === 'transition') {
      expect(event.fromState).toBe(current);
      current = findTransition(def, event.transitionId)?.to ?? null;
    }
    if (event.type === 'migrate') {
      expect([event.fromState, event.fromVersion]).toEqual([current, def.version]);
      def = defs[event.toVersion - 1];
      current = event.toState;
    }
  }
  return { state: current, version: def.version };
}

describe('migration properties', () => {
  const options = (defs: readonly WorkflowDefinition[]) => ({ definitions: resolveIn(defs) });

  it('gives a deep-equal result for any delivery order, with migrations racing transitions', () => {
    const seen = { migrated: 0, lostToMigration: 0, migrationLost: 0 };
    fc.assert(
      fc.property(versionedHistoryArb, ({ defs, events, permuted }) => {
        const state = replay(defs[0], events, options(defs));
        expect(replay(defs[0], permuted, options(defs))).toEqual(state);
        const byId = new Map(state.history.map((h) => [h.event.id, h]));
        seen.migrated += state.history.filter(
          (h) => h.event.type === 'migrate' && h.status === 'applied',
        ).length;
        for (const c of state.conflicts) {
          const winner = c.winner === null ? undefined : byId.get(c.winner)?.event;
          const losers = c.losers.map((id) => byId.get(id)?.event.type);
          if (winner?.type === 'migrate' && losers.includes('transition')) seen.lostToMigration += 1;
          if (winner?.type === 'transition' && losers.includes('migrate')) seen.migrationLost += 1;
        }
      }),
      { numRuns: 500 },
    );
    // The generated histories do race migrations against transitions, both ways.
    expect(seen.migrated).toBeGreaterThan(0);
    expect(seen.lostToMigration).toBeGreaterThan(0);
    expect(seen.migrationLost).toBeGreaterThan(0);
  });

  it('reports each superseded event in exactly one conflict, and ends where the applied events lead', () => {
    fc.assert(
      fc.property(versionedHistoryArb, ({ defs, events }) => {
        const state = replay(defs[0], events, options(defs));
        const losers = state.conflicts.flatMap((c) => c.losers);
        expect(new Set(losers).size).toBe(losers.length);
        expect(losers.sort()).toEqual(
          state.history
            .filter((h) => h.status === 'superseded')
            .map((h) => h.event.id)
            .sort(),
        );
        const status = new Map(state.history.map((h) => [h.event.id, h.status]));
        for (const c of state.conflicts) if (c.winner !== null) expect(status.get(c.winner)).toBe('applied');
        expect(walkVersions(defs, state)).toEqual({ state: state.state, version: state.version });
        // Transitions and migrations made against some gateway's view apply or lose to a concurrent one.
        const refused = state.history.filter(
          (h) =>
            h.event.id.startsWith('ev') &&
            (h.event.type === 'transition' || h.event.type === 'migrate') &&
            h.status === 'rejected',
        );
        expect(refused).toEqual([]);
        if (state.state !== null) expect(findState(defs[state.version - 1], state.state)).toBeDefined();
      }),
      runs,
    );
  });

  it('recording the event migrateInstance returns reaches the state, version and data it previewed', () => {
    fc.assert(
      fc.property(versionedHistoryArb, fc.boolean(), ({ defs, events }, patch) => {
        const state = replay(defs[0], events, options(defs));
        const from = defs[state.version - 1];
        for (const to of defs.slice(state.version)) {
          let mapped = state.state ?? '';
          for (const next of defs.slice(state.version, to.version)) mapped = counterpart(next, mapped);
          const map = state.state === null ? {} : { [state.state]: mapped };
          const result = migrateInstance(from, to, state, map, patch ? { number0: 1 } : undefined);
          if (!result.ok) {
            expect(state.state === null || findState(from, state.state)?.final).toBeTruthy();
            continue;
          }
          const event = {
            ...result.event,
            toRef: `v${to.version}`,
            id: 'next',
            at: '999999-0000',
            author: 'gw-z',
            actor: 'ann',
          } as WorkflowEvent;
          const after = replay(defs[0], [...events, event], options(defs));
          expect(after.history.at(-1)).toEqual({ event, status: 'applied' });
          expect(after).toMatchObject({
            state: result.instance.state,
            version: result.instance.version,
            stateEnteredBy: 'next',
          });
          expect(after.data).toEqual(result.instance.data);
          for (const { transition, allowed } of availableTransitions(to, after, ROLES))
            expect(takeTransition(to, after, transition.id, ROLES).ok).toBe(allowed);
        }
      }),
      runs,
    );
  });
});
