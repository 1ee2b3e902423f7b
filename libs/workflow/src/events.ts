/**
 * Instance events: what an instance's op history is made of, and the one
 * total order every gateway folds them in.
 */
import { canonicalJson, type FormValues } from './json-value.js';

export interface EventBase {
  /** Unique id, e.g. the op id. Events with the same id are the same event. */
  readonly id: string;
  /** Hybrid logical clock, compared as a plain string (code-unit order). */
  readonly at: string;
  /** Author gateway; breaks ties between equal `at`. */
  readonly author: string;
  /** The user who acted. */
  readonly actor: string;
}

/** Creates the instance in the initial state with its first form data. */
export interface StartEvent extends EventBase {
  readonly type: 'start';
  readonly data: FormValues;
}

export interface TransitionEvent extends EventBase {
  readonly type: 'transition';
  readonly transitionId: string;
  /** The state the actor saw the instance in. */
  readonly fromState: string;
  /**
   * Optional: id of the event that entered `fromState` as the actor saw it
   * (`InstanceState.stateEnteredBy`). Pins the transition to one occurrence
   * of a state that the instance may visit more than once.
   */
  readonly fromEventId?: string;
  /** Form data merge patch applied with the transition. */
  readonly data?: FormValues;
  /** Optional new assignee set with the transition (`null` unassigns). */
  readonly assignee?: string | null;
}

export interface AssignEvent extends EventBase {
  readonly type: 'assign';
  readonly assignee: string | null;
}

export interface CommentEvent extends EventBase {
  readonly type: 'comment';
  readonly text: string;
}

/** Form data merge patch (RFC 7386: `null` removes a field). */
export interface UpdateEvent extends EventBase {
  readonly type: 'update';
  readonly data: FormValues;
}

/**
 * Moves the instance to another (newer) version of its workflow: an explicit
 * act, recorded like a transition. It leaves one visit of `fromState` (the one
 * `fromEventId` names) and enters `toState` of version `toVersion`; data
 * (patched by `data`), assignee, history and conflicts carry over. A
 * transition that claims the visit the migration left loses to it, and the
 * other way round, exactly as two transitions would.
 */
export interface MigrateEvent extends EventBase {
  readonly type: 'migrate';
  /** The state the actor saw the instance in. */
  readonly fromState: string;
  /** As for transitions: the event that entered `fromState` as the actor saw it. */
  readonly fromEventId?: string;
  /** The version the actor saw the instance on. */
  readonly fromVersion: number;
  readonly toVersion: number;
  /** A state of the target version. */
  readonly toState: string;
  /**
   * The caller's name for the target definition (a version id, say): passed
   * back to `replay`'s `definitions` option to find it.
   */
  readonly toRef?: string;
  /** Form data merge patch applied with the migration (to fit the new form). */
  readonly data?: FormValues;
}

export type WorkflowEvent =
  | StartEvent
  | TransitionEvent
  | AssignEvent
  | CommentEvent
  | UpdateEvent
  | MigrateEvent;

/** An event without its envelope: what the caller wraps into an op. */
export type EventPayload<E extends WorkflowEvent> = Omit<E, keyof EventBase>;

function compareStrings(a: unknown, b: unknown): number {
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Total order on events: (at, author, id), then canonical content so that
 * even two different events claiming the same id order the same everywhere.
 */
export function compareEvents(a: WorkflowEvent, b: WorkflowEvent): number {
  return (
    compareStrings(a.at, b.at) ||
    compareStrings(a.author, b.author) ||
    compareStrings(a.id, b.id) ||
    compareStrings(canonicalJson(a), canonicalJson(b))
  );
}

/**
 * Drops duplicates (same id; if their content differs, the first in
 * `compareEvents` order wins) and sorts. Same set in, same list out,
 * whatever the input order.
 */
export function orderEvents(events: readonly WorkflowEvent[]): WorkflowEvent[] {
  const byId = new Map<string, WorkflowEvent>();
  for (const event of events) {
    const key = String(event.id);
    const kept = byId.get(key);
    if (kept === undefined || compareEvents(event, kept) < 0) byId.set(key, event);
  }
  return [...byId.values()].sort(compareEvents);
}
