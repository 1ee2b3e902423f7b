/**
 * @packageDocumentation
 *
 * `@gatehouse/workflow`: a pure, deterministic workflow and forms engine.
 * Workflows are data (states, transitions, roles, JSON Logic conditions, a
 * JSON Schema form). Given a definition, an instance's events and the
 * actor's roles, the engine says what state the instance is in, which
 * transitions the actor may take, and what taking one leads to. No I/O, no
 * clock, no randomness: every gateway computes the same answer from the
 * same events, whatever order they arrived in.
 *
 * Conventions: in conditions `{ "var": "amount" }` is the form field
 * `amount`; `context.actorRoles`, `context.state` and `context.transition`
 * are supplied by the engine. Roles are the organisation roles (`ORG_ROLES`)
 * plus the custom roles a definition declares; there is no implicit hierarchy.
 *
 * @example
 * ```ts
 * import { replay, takeTransition, validateDefinition, type WorkflowDefinition } from '@gatehouse/workflow';
 *
 * const def: WorkflowDefinition = {
 *   key: 'leave', version: 1, name: 'Leave request',
 *   states: [{ id: 'asked', initial: true }, { id: 'granted', final: true }],
 *   transitions: [{ id: 'grant', name: 'Grant', from: 'asked', to: 'granted', roles: ['admin'],
 *                   condition: { '<=': [{ var: 'days' }, 10] } }],
 *   form: { type: 'object', properties: { days: { type: 'integer', minimum: 1 } }, required: ['days'] },
 * };
 * validateDefinition(def); // { ok: true }
 * const instance = replay(def, [{ id: 'op1', at: '0001', author: 'gw-a', actor: 'ann', type: 'start', data: { days: 3 } }]);
 * takeTransition(def, instance, 'grant', ['admin']); // { ok: true, nextState: 'granted', ... }
 * takeTransition(def, instance, 'grant', ['member']); // { ok: false, code: 'FORBIDDEN', ... }
 * ```
 */

export {
  CONTEXT_KEYS,
  CONTEXT_VAR,
  type FormSchema,
  findState,
  findTransition,
  initialState,
  isFinal,
  type JsonLogic,
  knownRoles,
  ORG_ROLES,
  type StateDefinition,
  type TransitionDefinition,
  type WorkflowDefinition,
} from './definition.js';
export { EDIT_CONFLICT_WORKFLOW } from './edit-conflict.js';
export {
  type AssignEvent,
  type CommentEvent,
  compareEvents,
  type EventBase,
  type EventPayload,
  type MigrateEvent,
  orderEvents,
  type StartEvent,
  type TransitionEvent,
  type UpdateEvent,
  type WorkflowEvent,
} from './events.js';
export { type FieldError, type FormValidation, validateForm } from './form-validator.js';
export {
  checkLogic,
  evaluateCondition,
  LOGIC_OPERATORS,
  type LogicContext,
  readsActorRoles,
} from './json-logic.js';
export { canonicalJson, type FormValues, mergePatch } from './json-value.js';
export {
  type EventStatus,
  type HistoryEntry,
  type InstanceState,
  migrationProblem,
  type ReplayOptions,
  replay,
  type TransitionConflict,
} from './replay.js';
export {
  type ActionableRoles,
  type AvailableTransition,
  actionableRoles,
  availableTransitions,
  type TakeTransitionResult,
  type TransitionError,
  type TransitionErrorCode,
  takeTransition,
} from './transitions.js';
export {
  type DefinitionIssue,
  type DefinitionValidation,
  validateDefinition,
} from './validate-definition.js';
export {
  type DefinitionDraft,
  type MigrateResult,
  migrateInstance,
  type PublishResult,
  publishVersion,
} from './versioning.js';
