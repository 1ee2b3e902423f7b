/**
 * Which transitions an actor may take, and taking one. Both run the same
 * checks, so a transition listed as allowed is one `takeTransition` accepts
 * (without a data patch).
 */
import { findTransition, isFinal, type TransitionDefinition, type WorkflowDefinition } from './definition.js';
import type { EventPayload, TransitionEvent } from './events.js';
import { validateForm } from './form-validator.js';
import { evaluateCondition, readsActorRoles } from './json-logic.js';
import { type FormValues, patchValues } from './json-value.js';
import type { InstanceState } from './replay.js';

export type TransitionErrorCode = 'NOT_AVAILABLE' | 'FORBIDDEN' | 'INVALID';

export interface TransitionError {
  /** The form field concerned, if any. */
  readonly field?: string;
  readonly message: string;
}

export interface AvailableTransition {
  readonly transition: TransitionDefinition;
  readonly allowed: boolean;
  /** Why it is not allowed (empty when allowed). */
  readonly reasons: string[];
}

export type TakeTransitionResult =
  | {
      ok: true;
      transition: TransitionDefinition;
      nextState: string;
      /** The form data after the patch. */
      data: FormValues;
      /** What to record: wrap it with id, at, author and actor to make the event. */
      event: EventPayload<TransitionEvent>;
    }
  | { ok: false; code: TransitionErrorCode; errors: TransitionError[] };

type Issue = TransitionError & { code: TransitionErrorCode };

/** Order of precedence when several kinds of problem apply. */
const SEVERITY: readonly TransitionErrorCode[] = ['NOT_AVAILABLE', 'FORBIDDEN', 'INVALID'];

function isFilled(value: unknown): boolean {
  return !(
    value === undefined ||
    value === null ||
    value === '' ||
    (Array.isArray(value) && value.length === 0)
  );
}

function availability(def: WorkflowDefinition, instance: InstanceState): Issue[] {
  if (instance.key !== def.key || instance.version !== def.version) {
    const message = `the instance runs "${instance.key}" v${instance.version}, not "${def.key}" v${def.version}`;
    return [{ code: 'NOT_AVAILABLE', message }];
  }
  if (instance.state === null)
    return [{ code: 'NOT_AVAILABLE', message: 'the instance has not been started' }];
  if (isFinal(def, instance.state))
    return [{ code: 'NOT_AVAILABLE', message: `the instance is closed (final state "${instance.state}")` }];
  return [];
}

function check(
  def: WorkflowDefinition,
  instance: InstanceState,
  t: TransitionDefinition,
  actorRoles: readonly string[],
  data: FormValues,
): Issue[] {
  const issues = availability(def, instance);
  if (issues.length > 0) return issues;
  if (t.from !== instance.state) {
    return [
      {
        code: 'NOT_AVAILABLE',
        message: `transition "${t.id}" leaves "${t.from}", but the instance is in "${instance.state}"`,
      },
    ];
  }
  if (!t.roles.some((role) => actorRoles.includes(role))) {
    issues.push({
      code: 'FORBIDDEN',
      message: `transition "${t.id}" needs one of the roles ${t.roles.join(', ')}`,
    });
  }
  for (const field of t.requiredFields ?? []) {
    if (!isFilled(data[field]))
      issues.push({ code: 'INVALID', field, message: `is required to take "${t.name}"` });
  }
  if (t.condition !== undefined) {
    const context = { actorRoles, state: t.from, transition: t.id };
    const result = evaluateCondition(t.condition, data, context);
    if (!result.ok)
      issues.push({
        code: 'INVALID',
        message: `the condition of "${t.name}" could not be evaluated: ${result.error}`,
      });
    else if (!result.value)
      issues.push({
        code: 'INVALID',
        message: t.conditionMessage ?? `the condition of "${t.name}" is not met`,
      });
  }
  for (const error of validateForm(def, data).errors) issues.push({ code: 'INVALID', ...error });
  return issues;
}

/** The transitions leaving the instance's current state, in definition order, each with whether the actor may take it now. */
export function availableTransitions(
  def: WorkflowDefinition,
  instance: InstanceState,
  actorRoles: readonly string[],
): AvailableTransition[] {
  if (availability(def, instance).length > 0) return [];
  return def.transitions
    .filter((t) => t.from === instance.state)
    .map((transition) => {
      const reasons = check(def, instance, transition, actorRoles, instance.data).map((i) =>
        i.field ? `${i.field} ${i.message}` : i.message,
      );
      return { transition, allowed: reasons.length === 0, reasons };
    });
}

export interface ActionableRoles {
  /** Roles whose holders can take some transition now (sorted). When not `exact`, holding one is necessary, not sufficient. */
  readonly roles: string[];
  /**
   * False when a transition that could be available has a condition reading
   * `context.actorRoles`: then only `availableTransitions` with the actor's
   * own roles can tell.
   */
  readonly exact: boolean;
}

/**
 * Who can move the instance on now, as a set of roles, without knowing the
 * actor: for every set of actor roles R, some transition is allowed with R
 * only if R holds one of `roles`, and (when `exact`) always then. Cheap to
 * store per instance and match against an actor's roles later (an inbox).
 */
export function actionableRoles(def: WorkflowDefinition, instance: InstanceState): ActionableRoles {
  if (availability(def, instance).length > 0) return { roles: [], exact: true };
  const roles = new Set<string>();
  let exact = true;
  for (const t of def.transitions) {
    if (t.from !== instance.state) continue;
    // With the transition's own roles the role check passes; what is left does not depend on roles...
    if (!readsActorRoles(t.condition)) {
      if (check(def, instance, t, t.roles, instance.data).length === 0) for (const r of t.roles) roles.add(r);
      continue;
    }
    // ...unless the condition reads them: then check the rest, and leave the condition to the actor's roles.
    if (check(def, instance, { ...t, condition: undefined }, t.roles, instance.data).length === 0) {
      for (const r of t.roles) roles.add(r);
      exact = false;
    }
  }
  return { roles: [...roles].sort(), exact };
}

/**
 * Checks that the actor may take `transitionId` with `dataPatch` (RFC 7386
 * merge patch over the instance's data) and returns the next state and data.
 * Errors carry the most fundamental code: NOT_AVAILABLE, then FORBIDDEN, then INVALID.
 */
export function takeTransition(
  def: WorkflowDefinition,
  instance: InstanceState,
  transitionId: string,
  actorRoles: readonly string[],
  dataPatch?: FormValues,
): TakeTransitionResult {
  const t = findTransition(def, transitionId);
  if (!t)
    return {
      ok: false,
      code: 'NOT_AVAILABLE',
      errors: [{ message: `unknown transition "${transitionId}"` }],
    };
  const data = patchValues(instance.data, dataPatch);
  const issues = check(def, instance, t, actorRoles, data);
  const code = SEVERITY.find((c) => issues.some((i) => i.code === c));
  if (code !== undefined) {
    return {
      ok: false,
      code,
      errors: issues.filter((i) => i.code === code).map(({ code: _, ...error }) => error),
    };
  }
  const event: EventPayload<TransitionEvent> = {
    type: 'transition',
    transitionId: t.id,
    fromState: t.from,
    ...(instance.stateEnteredBy !== null ? { fromEventId: instance.stateEnteredBy } : {}),
    ...(dataPatch !== undefined ? { data: dataPatch } : {}),
  };
  return { ok: true, transition: t, nextState: t.to, data, event };
}
