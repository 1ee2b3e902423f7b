/**
 * The workflow definition model. A definition is plain data (JSON): members
 * design it in the UI, it is replicated as ops, and the engine reads it.
 * Nothing here executes; see `validateDefinition` for the rules a definition
 * must satisfy before it can be published.
 */

/** A JSON Logic rule (https://jsonlogic.com), e.g. `{ "<=": [{ "var": "amount" }, 500] }`. */
export type JsonLogic = unknown;

/**
 * A JSON Schema (draft 7 / 2019 subset understood by ajv) describing the
 * item's form. The root must be `{ "type": "object", "properties": {...} }`;
 * each property is a form field.
 */
export interface FormSchema {
  readonly type: 'object';
  readonly properties: { readonly [field: string]: unknown };
  readonly required?: readonly string[];
  readonly [keyword: string]: unknown;
}

export interface StateDefinition {
  readonly id: string;
  readonly label?: string;
  /** Exactly one state is initial: `start` puts a new instance there. */
  readonly initial?: boolean;
  /** Final states close the instance: no transition may leave them. */
  readonly final?: boolean;
  /** Roles whose holders may be assigned an item while it is in this state. */
  readonly assigneeRoles?: readonly string[];
}

export interface TransitionDefinition {
  readonly id: string;
  readonly name: string;
  readonly from: string;
  readonly to: string;
  /** The actor needs at least one of these roles. No implicit hierarchy: list `owner` too if owners may act. */
  readonly roles: readonly string[];
  /**
   * JSON Logic over the item's data after the transition's data patch.
   * `{ "var": "amount" }` names the form field `amount`; `context.*` is
   * reserved for `context.actorRoles`, `context.state` and `context.transition`.
   */
  readonly condition?: JsonLogic;
  /** Shown instead of the generic message when `condition` is not met. */
  readonly conditionMessage?: string;
  /** Form fields that must be filled (not undefined, null, "" or []) to take the transition. */
  readonly requiredFields?: readonly string[];
}

export interface WorkflowDefinition {
  readonly key: string;
  /** Positive integer; a (key, version) pair names one immutable definition. */
  readonly version: number;
  readonly name: string;
  readonly states: readonly StateDefinition[];
  readonly transitions: readonly TransitionDefinition[];
  readonly form: FormSchema;
  /** Custom roles used by this workflow, in addition to the organisation roles (`ORG_ROLES`). */
  readonly roles?: readonly string[];
}

/** The roles every organisation has. Always valid in a definition. */
export const ORG_ROLES: readonly string[] = Object.freeze(['owner', 'admin', 'editor', 'member', 'viewer']);

/** Names available to conditions under `context.`: `{ "var": "context.actorRoles" }`. */
export const CONTEXT_KEYS: readonly string[] = Object.freeze(['actorRoles', 'state', 'transition']);

/** The top-level name under which conditions see the context; no form field may use it. */
export const CONTEXT_VAR = 'context';

/** The roles a definition may name: the organisation roles plus its declared custom roles. */
export function knownRoles(def: Pick<WorkflowDefinition, 'roles'>): Set<string> {
  return new Set([...ORG_ROLES, ...(def.roles ?? [])]);
}

export function findState(def: WorkflowDefinition, id: string): StateDefinition | undefined {
  return def.states.find((s) => s.id === id);
}

export function findTransition(def: WorkflowDefinition, id: string): TransitionDefinition | undefined {
  return def.transitions.find((t) => t.id === id);
}

export function initialState(def: WorkflowDefinition): StateDefinition {
  const initial = def.states.find((s) => s.initial === true);
  if (!initial) throw new Error(`workflow "${def.key}" v${def.version} has no initial state`);
  return initial;
}

export function isFinal(def: WorkflowDefinition, stateId: string | null): boolean {
  return stateId !== null && findState(def, stateId)?.final === true;
}
