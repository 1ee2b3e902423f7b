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
 */
import { findState, findTransition, initialState, type WorkflowDefinition } from './definition.js';
import { orderEvents, type TransitionEvent, type WorkflowEvent } from './events.js';
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
  /** The definition version the instance runs on. */
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
  leftBy: string | null;
}

interface Fold {
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

export function replay(def: WorkflowDefinition, events: readonly WorkflowEvent[]): InstanceState {
  const fold: Fold = {
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
    const outcome = step(def, fold, event);
    history.push(outcome.reason === undefined ? { event, status: outcome.status } : { event, ...outcome });
  }
  return {
    key: def.key,
    version: def.version,
    state: fold.state,
    stateEnteredBy: fold.enteredBy,
    data: fold.data,
    assignee: fold.assignee,
    history,
    conflicts: [...fold.conflicts.values()],
  };
}

function step(def: WorkflowDefinition, fold: Fold, event: WorkflowEvent): Outcome {
  if (event.type === 'start') {
    if (fold.state !== null)
      return rejected(`the instance was already started by event "${fold.firstStart}"`);
    enter(fold, initialState(def).id, event.id);
    fold.firstStart = event.id;
    fold.data = isPlainObject(event.data) ? cloneJson(event.data) : {};
    return applied;
  }
  if (fold.state === null) return rejected('the instance has not been started');
  const closed = findState(def, fold.state)?.final === true;
  switch (event.type) {
    case 'transition':
      return transition(def, fold, event);
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
  fold.occurrences.set(eventId, { state, leftBy: null });
}

function transition(def: WorkflowDefinition, fold: Fold, event: TransitionEvent): Outcome {
  const t = findTransition(def, event.transitionId);
  if (!t) return rejected(`unknown transition "${event.transitionId}"`);
  if (t.from !== event.fromState)
    return rejected(`transition "${t.id}" leaves "${t.from}", not "${event.fromState}"`);
  const pinned = event.fromEventId !== undefined ? fold.occurrences.get(event.fromEventId) : undefined;
  if (pinned && pinned.state !== event.fromState) {
    return rejected(`event "${event.fromEventId}" entered "${pinned.state}", not "${event.fromState}"`);
  }
  const claimed =
    event.fromEventId ??
    (fold.state === event.fromState ? fold.enteredBy : fold.lastLeft.get(event.fromState)) ??
    null;
  if (fold.state === event.fromState && claimed === fold.enteredBy) {
    const current = fold.occurrences.get(claimed as string) as Occurrence;
    current.leftBy = event.id;
    fold.lastLeft.set(event.fromState, claimed as string);
    enter(fold, t.to, event.id);
    fold.data = patchValues(fold.data, isPlainObject(event.data) ? event.data : undefined);
    if (event.assignee !== undefined)
      fold.assignee = typeof event.assignee === 'string' ? event.assignee : null;
    return applied;
  }
  const winner = claimed === null ? null : (fold.occurrences.get(claimed)?.leftBy ?? null);
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
    winner !== null
      ? `event "${winner}" had already left "${event.fromState}"`
      : `the instance was not in "${event.fromState}" here (it was in "${fold.state}")`;
  return { status: 'superseded', reason };
}
