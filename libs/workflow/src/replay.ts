/**
 * `replay`: folds an instance's events into its state. Deterministic and
 * order-independent: the events are deduplicated by id and sorted by
 * (at, author, id) first, so every gateway holding the same set of events
 * computes a deep-equal result.
 *
 * Replay trusts the events' authority (roles were checked by
 * `takeTransition` when the op was made, and ops are signed); it only
 * decides what the events mean together:
 * - The first transition (in order) that leaves the current state occurrence
 *   wins. Any later transition claiming to leave that occurrence, or any
 *   transition whose `fromState` is not the current state, is kept in the
 *   history as `superseded` and reported in `conflicts`.
 * - Events that cannot apply at all (unknown transition, before `start`,
 *   a second `start`, updates after a final state) are kept as `rejected`.
 * - A `migrate` event switches the definition the rest of the events are
 *   folded against. It leaves a state occurrence like a transition does, so
 *   a migration and a transition that both claim one occurrence are resolved
 *   the same way (the first wins, the other is superseded). A transition is
 *   judged against the version of the occurrence it claims to leave.
 */
import { findState, findTransition, initialState, type WorkflowDefinition } from './definition.js';
import { type MigrateEvent, orderEvents, type TransitionEvent, type WorkflowEvent } from './events.js';
import { cloneJson, type FormValues, isPlainObject, patchValues } from './json-value.js';

export type EventStatus = 'applied' | 'superseded' | 'rejected';

export interface HistoryEntry {
  readonly event: WorkflowEvent;
  readonly status: EventStatus;
  /** Why the event was superseded or rejected. */
  readonly reason?: string;
}

/** Transitions that competed to leave one occurrence of a state. */
export interface TransitionConflict {
  readonly fromState: string;
  /**
   * The event that entered the contested occurrence of `fromState` (as the
   * losers claimed it via `fromEventId`, else the latest one left); null if
   * the instance had not been in `fromState` before.
   */
  readonly enteredBy: string | null;
  /** The transition event that did leave it; null if none did. */
  readonly winner: string | null;
  /** Transition events that also claimed to leave it, in event order. */
  readonly losers: string[];
}

export interface InstanceState {
  readonly key: string;
  /** The definition version the instance runs on (the last applied migration's, else the one it started on). */
  readonly version: number;
  /** Current state id; null until a `start` event applies. */
  readonly state: string | null;
  /** The event that entered the current state (pass it as `fromEventId`). */
  readonly stateEnteredBy: string | null;
  readonly data: FormValues;
  readonly assignee: string | null;
  /** Every distinct event, in event order, with what became of it. */
  readonly history: HistoryEntry[];
  readonly conflicts: TransitionConflict[];
}

interface Occurrence {
  readonly state: string;
  /** The definition the instance ran on during this occurrence. */
  readonly def: WorkflowDefinition;
  leftBy: string | null;
  /** Set when a migration left the occurrence: the version it moved to. */
  migratedTo?: number;
}

interface Fold {
  /** The definition events are folded against: the start's, then each applied migration's. */
  def: WorkflowDefinition;
  firstStart: string | null;
  state: string | null;
  enteredBy: string | null;
  data: FormValues;
  assignee: string | null;
  readonly occurrences: Map<string, Occurrence>;
  /** State id -> the event that entered its most recent occurrence that has been left. */
  readonly lastLeft: Map<string, string>;
  readonly conflicts: Map<string, TransitionConflict & { losers: string[] }>;
}

type Outcome = { status: EventStatus; reason?: string };
const applied: Outcome = { status: 'applied' };
const rejected = (reason: string): Outcome => ({ status: 'rejected', reason });

export interface ReplayOptions {
  /**
   * Finds the definition a `migrate` event moves to (by its `toRef`, or
   * `toVersion`). Without it, or when it returns undefined, migrations are
   * rejected. It must answer the same for the same event every time.
   */
  readonly definitions?: (event: MigrateEvent) => WorkflowDefinition | undefined;
}

/**
 * Folds `events` into the instance's state. `def` is the definition the
 * instance started on; migrations move it to the definitions that
 * `options.definitions` resolves.
 */
export function replay(
  def: WorkflowDefinition,
  events: readonly WorkflowEvent[],
  options: ReplayOptions = {},
): InstanceState {
  const fold: Fold = {
    def,
    firstStart: null,
    state: null,
    enteredBy: null,
    data: {},
    assignee: null,
    occurrences: new Map(),
    lastLeft: new Map(),
    conflicts: new Map(),
  };
  const history: HistoryEntry[] = [];
  for (const event of orderEvents(events)) {
    const outcome = step(fold, event, options);
    history.push(outcome.reason === undefined ? { event, status: outcome.status } : { event, ...outcome });
  }
  return {
    key: fold.def.key,
    version: fold.def.version,
    state: fold.state,
    stateEnteredBy: fold.enteredBy,
    data: fold.data,
    assignee: fold.assignee,
    history,
    conflicts: [...fold.conflicts.values()],
  };
}

function step(fold: Fold, event: WorkflowEvent, options: ReplayOptions): Outcome {
  if (event.type === 'start') {
    if (fold.state !== null)
      return rejected(`the instance was already started by event "${fold.firstStart}"`);
    enter(fold, initialState(fold.def).id, event.id);
    fold.firstStart = event.id;
    fold.data = isPlainObject(event.data) ? cloneJson(event.data) : {};
    return applied;
  }
  if (fold.state === null) return rejected('the instance has not been started');
  const closed = findState(fold.def, fold.state)?.final === true;
  switch (event.type) {
    case 'transition':
      return transition(fold, event);
    case 'migrate':
      return migrate(fold, event, options);
    case 'update':
      if (closed) return rejected(`the instance is closed (final state "${fold.state}")`);
      fold.data = patchValues(fold.data, isPlainObject(event.data) ? event.data : undefined);
      return applied;
    case 'assign':
      if (closed) return rejected(`the instance is closed (final state "${fold.state}")`);
      fold.assignee = typeof event.assignee === 'string' ? event.assignee : null;
      return applied;
    case 'comment':
      return applied;
    default:
      return rejected(`unknown event type "${String((event as { type: unknown }).type)}"`);
  }
}

function enter(fold: Fold, state: string, eventId: string): void {
  fold.state = state;
  fold.enteredBy = eventId;
  fold.occurrences.set(eventId, { state, def: fold.def, leftBy: null });
}

/** The occurrence of `fromState` an event claims to leave: the pinned one, else the current or the last one left. */
function claimedOccurrence(fold: Fold, event: TransitionEvent | MigrateEvent): string | null {
  return (
    event.fromEventId ??
    (fold.state === event.fromState ? fold.enteredBy : fold.lastLeft.get(event.fromState)) ??
    null
  );
}

/** Leaves the current occurrence (claimed by `event`) for `state`, entered by `event`. */
function leave(fold: Fold, claimed: string, event: WorkflowEvent): Occurrence {
  const current = fold.occurrences.get(claimed) as Occurrence;
  current.leftBy = event.id;
  fold.lastLeft.set(current.state, claimed);
  return current;
}

/** Records an event that claimed an occurrence someone else had left (or that never was current). */
function supersede(fold: Fold, event: TransitionEvent | MigrateEvent, claimed: string | null): Outcome {
  const left = claimed === null ? undefined : fold.occurrences.get(claimed);
  const winner = left?.leftBy ?? null;
  const conflictKey = `${claimed ?? ''}\u0000${event.fromState}`;
  const conflict = fold.conflicts.get(conflictKey) ?? {
    fromState: event.fromState,
    enteredBy: claimed,
    winner,
    losers: [],
  };
  conflict.losers.push(event.id);
  fold.conflicts.set(conflictKey, conflict);
  const reason =
    winner === null
      ? `the instance was not in "${event.fromState}" here (it was in "${fold.state}")`
      : left?.migratedTo !== undefined
        ? `event "${winner}" had already migrated the instance from "${event.fromState}" to version ${left.migratedTo}`
        : `event "${winner}" had already left "${event.fromState}"`;
  return { status: 'superseded', reason };
}

function transition(fold: Fold, event: TransitionEvent): Outcome {
  const claimed = claimedOccurrence(fold, event);
  // Pinned to a visit that never happened here: it built on an event that lost (a migration, say,
  // to a version this instance never ran on), so it loses too.
  if (event.fromEventId !== undefined && !fold.occurrences.has(event.fromEventId))
    return supersede(fold, event, claimed);
  // Judged against the version the instance ran on in the visit it claims to leave.
  const def = (claimed !== null && fold.occurrences.get(claimed)?.def) || fold.def;
  const t = findTransition(def, event.transitionId);
  if (!t) return rejected(`unknown transition "${event.transitionId}"`);
  if (t.from !== event.fromState)
    return rejected(`transition "${t.id}" leaves "${t.from}", not "${event.fromState}"`);
  const pinned = event.fromEventId !== undefined ? fold.occurrences.get(event.fromEventId) : undefined;
  if (pinned && pinned.state !== event.fromState) {
    return rejected(`event "${event.fromEventId}" entered "${pinned.state}", not "${event.fromState}"`);
  }
  if (fold.state !== event.fromState || claimed !== fold.enteredBy) return supersede(fold, event, claimed);
  leave(fold, claimed as string, event);
  enter(fold, t.to, event.id);
  fold.data = patchValues(fold.data, isPlainObject(event.data) ? event.data : undefined);
  if (event.assignee !== undefined)
    fold.assignee = typeof event.assignee === 'string' ? event.assignee : null;
  return applied;
}

function migrate(fold: Fold, event: MigrateEvent, options: ReplayOptions): Outcome {
  const claimed = claimedOccurrence(fold, event);
  const pinned = event.fromEventId !== undefined ? fold.occurrences.get(event.fromEventId) : undefined;
  if (pinned && pinned.state !== event.fromState) {
    return rejected(`event "${event.fromEventId}" entered "${pinned.state}", not "${event.fromState}"`);
  }
  if (fold.state !== event.fromState || claimed !== fold.enteredBy) return supersede(fold, event, claimed);
  const from = fold.def;
  if (findState(from, fold.state)?.final === true)
    return rejected(`the instance is closed (final state "${fold.state}")`);
  if (event.fromVersion !== from.version)
    return rejected(
      `the migration starts from version ${event.fromVersion}, but the instance runs version ${from.version}`,
    );
  const to = options.definitions?.(event);
  if (to === undefined) return rejected(`version ${event.toVersion} of "${from.key}" is not known here`);
  const problem = migrationProblem(from, to, event.toVersion, event.toState);
  if (problem !== undefined) return rejected(problem);
  const left = leave(fold, claimed as string, event);
  left.migratedTo = to.version;
  fold.def = to;
  enter(fold, event.toState, event.id);
  fold.data = patchValues(fold.data, isPlainObject(event.data) ? event.data : undefined);
  return applied;
}

/** Why `to` cannot follow `from` with the instance in `toState`; undefined if it can. */
export function migrationProblem(
  from: WorkflowDefinition,
  to: WorkflowDefinition,
  toVersion: number,
  toState: string,
): string | undefined {
  if (to.key !== from.key) return `cannot migrate between different workflows "${from.key}" and "${to.key}"`;
  if (to.version !== toVersion) return `the target definition is version ${to.version}, not ${toVersion}`;
  if (to.version <= from.version)
    return `version ${to.version} is not newer than version ${from.version}; instances only move to newer versions`;
  if (findState(to, toState) === undefined)
    return `version ${to.version} of "${to.key}" has no state "${toState}"`;
  return undefined;
}
