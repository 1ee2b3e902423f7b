/** fast-check generators for property tests: small valid definitions and messy histories. */
import fc from 'fast-check';
import {
  ORG_ROLES,
  type StateDefinition,
  type TransitionDefinition,
  type WorkflowDefinition,
} from './definition.js';
import type { WorkflowEvent } from './events.js';
import { replay } from './replay.js';

export const ROLES = [...ORG_ROLES, 'clerk'];
const FIELD_TYPES = ['number', 'string', 'boolean'] as const;

const roleSet = fc.subarray(ROLES, { minLength: 1, maxLength: 3 });

/**
 * Valid by construction: non-final states n0..n(k-1) form a chain ending in
 * the first final state, every other final state has an edge from some
 * non-final state, plus random extra edges out of non-final states.
 */
export const definitionArb: fc.Arbitrary<WorkflowDefinition> = fc
  .record({
    nonFinal: fc.integer({ min: 1, max: 4 }),
    final: fc.integer({ min: 1, max: 3 }),
    fieldTypes: fc.array(fc.constantFrom(...FIELD_TYPES), { minLength: 1, maxLength: 3 }),
  })
  .chain(({ nonFinal, final, fieldTypes }) => {
    const n = Array.from({ length: nonFinal }, (_, i) => `n${i}`);
    const f = Array.from({ length: final }, (_, i) => `f${i}`);
    const all = [...n, ...f];
    const fields = fieldTypes.map((type, i) => ({ name: `${type}${i}`, type }));
    const numberField = fields.find((x) => x.type === 'number')?.name;
    const conditions: fc.Arbitrary<unknown>[] = [
      fc.constant(undefined),
      fc.constant({ in: ['admin', { var: 'context.actorRoles' }] }),
      ...(numberField
        ? [fc.integer({ min: -5, max: 5 }).map((k) => ({ '>=': [{ var: numberField }, k] }))]
        : []),
    ];
    const transition = (from: string, to: string) =>
      fc
        .record(
          {
            roles: roleSet,
            condition: fc.oneof(...conditions),
            requiredFields: fc.subarray(fields.map((x) => x.name)),
          },
          { requiredKeys: ['roles'] },
        )
        .map((t) => ({ from, to, ...t }));
    const skeleton = [
      ...n.map((id, i) => transition(id, n[i + 1] ?? f[0])),
      ...f.slice(1).map((id) => fc.constantFrom(...n).chain((from) => transition(from, id))),
    ];
    const extra = fc.array(
      fc.tuple(fc.constantFrom(...n), fc.constantFrom(...all)).chain(([from, to]) => transition(from, to)),
      { maxLength: 4 },
    );
    const states: StateDefinition[] = [
      ...n.map((id, i) => (i === 0 ? { id, initial: true } : { id })),
      ...f.map((id) => ({ id, final: true })),
    ];
    return fc
      .record({
        states: fc.shuffledSubarray(states, { minLength: states.length, maxLength: states.length }),
        skeleton: fc.tuple(...skeleton),
        extra,
      })
      .map(
        ({ states, skeleton, extra }): WorkflowDefinition => ({
          key: 'generated',
          version: 1,
          name: 'Generated',
          roles: ['clerk'],
          states,
          transitions: [...skeleton, ...extra].map(
            (t, i): TransitionDefinition => ({ id: `t${i}`, name: `T${i}`, ...t }),
          ),
          form: {
            type: 'object',
            properties: Object.fromEntries(fields.map((x) => [x.name, { type: x.type }])),
          },
        }),
      );
  })
  .map((def) => JSON.parse(JSON.stringify(def)) as WorkflowDefinition); // drop undefined members

const value = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom('a', 'b', ''),
  fc.boolean(),
  fc.constant(null),
);
const patch = fc.dictionary(fc.constantFrom('number0', 'string0', 'boolean0', 'number1', 'x'), value, {
  maxKeys: 3,
});

const envelope = fc.record({
  at: fc.integer({ min: 0, max: 6 }).map((t) => `00000${t}-0000`),
  author: fc.constantFrom('gw-a', 'gw-b', 'gw-c'),
  actor: fc.constantFrom('ann', 'bob'),
});

/** Any event at all: lies about `fromState`, stale or unknown `fromEventId`s, starts at any time. */
function noiseArb(def: WorkflowDefinition) {
  const stateIds = def.states.map((s) => s.id);
  const body = fc.oneof(
    { weight: 1, arbitrary: fc.record({ type: fc.constant('start' as const), data: patch }) },
    {
      weight: 4,
      arbitrary: fc
        .record(
          {
            type: fc.constant('transition' as const),
            t: fc.constantFrom(...def.transitions),
            lie: fc.option(fc.constantFrom(...stateIds), { freq: 3 }),
            fromEventId: fc.integer({ min: 0, max: 12 }).map((i) => `ev${i}`),
            data: patch,
            assignee: fc.constantFrom('ann', null),
          },
          { requiredKeys: ['type', 't', 'lie'] },
        )
        .map(({ t, lie, ...rest }) => ({ ...rest, transitionId: t.id, fromState: lie ?? t.from })),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        type: fc.constant('assign' as const),
        assignee: fc.constantFrom('ann', 'bob', null),
      }),
    },
    { weight: 1, arbitrary: fc.record({ type: fc.constant('update' as const), data: patch }) },
    {
      weight: 1,
      arbitrary: fc.record({ type: fc.constant('comment' as const), text: fc.constantFrom('hi', 'ok') }),
    },
  );
  return fc.tuple(envelope, body).map(([env, b]) => ({ ...env, ...b }));
}

/** One gateway's move: it has seen all but the last `lag` events and acts on that view. */
const moveArb = fc.record({
  lag: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3 })),
  pick: fc.nat(),
  kind: fc.constantFrom('transition', 'transition', 'transition', 'update', 'assign', 'comment'),
  dt: fc.integer({ min: 0, max: 2 }),
  author: fc.constantFrom('gw-a', 'gw-b', 'gw-c'),
  pinned: fc.boolean(),
  data: patch,
});

type Move = typeof moveArb extends fc.Arbitrary<infer M> ? M : never;

/** Plays moves against stale views, which yields realistic concurrent transitions. */
function simulate(def: WorkflowDefinition, moves: Move[]): WorkflowEvent[] {
  const out: WorkflowEvent[] = [
    { id: 'ev0', at: '000000-0000', author: 'gw-a', actor: 'ann', type: 'start', data: {} },
  ];
  moves.forEach((m, i) => {
    const view = out.slice(0, Math.max(1, out.length - m.lag));
    const seen = replay(def, view);
    const maxAt = Math.max(...view.map((e) => Number(e.at.slice(0, 6))));
    const env = {
      id: `ev${i + 1}`,
      at: `${String(maxAt + m.dt).padStart(6, '0')}-0000`,
      author: m.author,
      actor: 'ann',
    };
    const leaving = def.transitions.filter((t) => t.from === seen.state);
    if (m.kind === 'transition' && leaving.length > 0) {
      const t = leaving[m.pick % leaving.length];
      const pin = m.pinned && seen.stateEnteredBy !== null ? { fromEventId: seen.stateEnteredBy } : {};
      out.push({ ...env, type: 'transition', transitionId: t.id, fromState: t.from, ...pin, data: m.data });
    } else if (m.kind === 'update') out.push({ ...env, type: 'update', data: m.data });
    else if (m.kind === 'assign') out.push({ ...env, type: 'assign', assignee: m.pick % 2 ? 'ann' : null });
    else out.push({ ...env, type: 'comment', text: 'hi' });
  });
  return out;
}

/**
 * Histories with few clock values and authors (so ties are common):
 * simulated concurrent moves, random noise, exact duplicates and
 * same-id-different-content duplicates.
 */
export function historyArb(def: WorkflowDefinition): fc.Arbitrary<WorkflowEvent[]> {
  return fc
    .tuple(
      fc.array(moveArb, { maxLength: 12 }),
      fc.array(noiseArb(def), { maxLength: 3 }),
      fc.array(fc.nat(), { maxLength: 3 }),
      fc.array(fc.tuple(fc.nat(), noiseArb(def)), { maxLength: 2 }),
    )
    .map(([moves, noise, copies, forged]) => {
      const simulated = simulate(def, moves);
      const events = [...simulated, ...noise.map((e, i) => ({ ...e, id: `noise${i}` }) as WorkflowEvent)];
      const duplicates = copies.map((i) => ({ ...events[i % events.length] }));
      const sameId = forged.map(([i, e]) => ({ ...e, id: events[i % events.length].id }) as WorkflowEvent);
      return [...events, ...duplicates, ...sameId];
    });
}

/** A definition, a history for it, and the same history in another order. */
export const permutedHistoryArb = definitionArb.chain((def) =>
  historyArb(def).chain((events) =>
    fc.record({
      def: fc.constant(def),
      events: fc.constant(events),
      permuted: fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }),
    }),
  ),
);

/** `def` as the next version, with some states renamed (`renamed[old] = new`): still valid. */
function renameStates(def: WorkflowDefinition, picks: readonly boolean[]): WorkflowDefinition {
  const renamed = new Map(def.states.map((s, i) => [s.id, picks[i % picks.length] ? `${s.id}x` : s.id]));
  const to = (id: string) => renamed.get(id) ?? id;
  return {
    ...def,
    version: def.version + 1,
    states: def.states.map((s) => ({ ...s, id: to(s.id) })),
    transitions: def.transitions.map((t) => ({ ...t, from: to(t.from), to: to(t.to) })),
  };
}

/** Versions 1, 2 and 3 of one generated workflow; each renames some states of the one before. */
export const versionsArb: fc.Arbitrary<WorkflowDefinition[]> = definitionArb.chain((v1) =>
  fc
    .tuple(fc.array(fc.boolean(), { minLength: 1, maxLength: 7 }), fc.array(fc.boolean(), { minLength: 1 }))
    .map(([a, b]) => {
      const v2 = renameStates(v1, a);
      return [v1, v2, renameStates(v2, b)];
    }),
);

/** The same state in the next version: `n0` becomes `n0` or `n0x`. */
export function counterpart(to: WorkflowDefinition, state: string): string {
  return to.states.some((s) => s.id === state) ? state : `${state}x`;
}

/** Migrations that cannot apply: unknown or older targets, states that do not exist, wrong origins. */
function migrationNoiseArb(defs: readonly WorkflowDefinition[]) {
  const stateIds = [...new Set(defs.flatMap((d) => d.states.map((s) => s.id)))];
  return fc.tuple(
    envelope,
    fc.record({
      type: fc.constant('migrate' as const),
      fromState: fc.constantFrom(...stateIds),
      fromVersion: fc.integer({ min: 1, max: 3 }),
      toVersion: fc.integer({ min: 1, max: 3 }),
      toState: fc.constantFrom(...stateIds, 'nowhere'),
      toRef: fc.constantFrom('v1', 'v2', 'v3', 'v9'),
    }),
  );
}

const versionedMoveArb = fc.record({
  lag: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3 })),
  pick: fc.nat(),
  kind: fc.constantFrom('transition', 'transition', 'migrate', 'migrate', 'update', 'assign'),
  dt: fc.integer({ min: 0, max: 2 }),
  author: fc.constantFrom('gw-a', 'gw-b', 'gw-c'),
  jump: fc.boolean(),
  data: patch,
});

/** Resolves a migration's target by its `toRef` ("v2", "v3"). */
export const resolveIn =
  (defs: readonly WorkflowDefinition[]) =>
  (event: { toRef?: string }): WorkflowDefinition | undefined =>
    defs.find((d) => `v${d.version}` === event.toRef);

/**
 * Plays transitions and migrations (to the next version, or two ahead)
 * against stale views, so migrations race transitions and each other.
 */
function simulateVersions(
  defs: readonly WorkflowDefinition[],
  moves: (typeof versionedMoveArb extends fc.Arbitrary<infer M> ? M : never)[],
): WorkflowEvent[] {
  const out: WorkflowEvent[] = [
    { id: 'ev0', at: '000000-0000', author: 'gw-a', actor: 'ann', type: 'start', data: {} },
  ];
  const options = { definitions: resolveIn(defs) };
  moves.forEach((m, i) => {
    const view = out.slice(0, Math.max(1, out.length - m.lag));
    const seen = replay(defs[0], view, options);
    const def = defs[seen.version - 1];
    const maxAt = Math.max(...view.map((e) => Number(e.at.slice(0, 6))));
    const env = {
      id: `ev${i + 1}`,
      at: `${String(maxAt + m.dt).padStart(6, '0')}-0000`,
      author: m.author,
      actor: 'ann',
    };
    const pin = seen.stateEnteredBy !== null ? { fromEventId: seen.stateEnteredBy } : {};
    const leaving = def.transitions.filter((t) => t.from === seen.state);
    const target = defs[Math.min(defs.length - 1, seen.version - 1 + (m.jump ? 2 : 1))];
    const open = seen.state !== null && !def.states.some((s) => s.id === seen.state && s.final);
    if (m.kind === 'migrate' && open && target.version > def.version) {
      let toState = seen.state;
      for (const next of defs.slice(def.version, target.version)) toState = counterpart(next, toState);
      out.push({
        ...env,
        type: 'migrate',
        fromState: seen.state,
        ...pin,
        fromVersion: def.version,
        toVersion: target.version,
        toState,
        toRef: `v${target.version}`,
        ...(m.pick % 3 === 0 ? { data: m.data } : {}),
      });
    } else if (m.kind === 'transition' && leaving.length > 0) {
      const t = leaving[m.pick % leaving.length];
      out.push({ ...env, type: 'transition', transitionId: t.id, fromState: t.from, ...pin, data: m.data });
    } else if (m.kind === 'update') out.push({ ...env, type: 'update', data: m.data });
    else out.push({ ...env, type: 'assign', assignee: m.pick % 2 ? 'ann' : null });
  });
  return out;
}

/** Three versions of a workflow and a history of racing transitions and migrations, in two orders. */
export const versionedHistoryArb = versionsArb.chain((defs) =>
  fc
    .tuple(
      fc.array(versionedMoveArb, { maxLength: 14 }),
      fc.array(noiseArb(defs[0]), { maxLength: 2 }),
      fc.array(migrationNoiseArb(defs), { maxLength: 2 }),
      fc.array(fc.nat(), { maxLength: 2 }),
    )
    .map(([moves, noise, badMigrations, copies]) => {
      const simulated = simulateVersions(defs, moves);
      const events = [
        ...simulated,
        ...noise.map((e, i) => ({ ...e, id: `noise${i}` }) as WorkflowEvent),
        ...badMigrations.map(([env, body], i) => ({ ...env, ...body, id: `bad${i}` }) as WorkflowEvent),
      ];
      return [...events, ...copies.map((i) => ({ ...events[i % events.length] }))];
    })
    .chain((events) =>
      fc.record({
        defs: fc.constant(defs),
        events: fc.constant(events),
        permuted: fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }),
      }),
    ),
);
