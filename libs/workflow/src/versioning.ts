/**
 * Versions: a (key, version) pair names one immutable definition. Running
 * instances keep the version they started on; moving one to a newer version
 * is an explicit `migrateInstance`.
 */
import { findState, isFinal, type WorkflowDefinition } from './definition.js';
import type { EventPayload, MigrateEvent } from './events.js';
import { type FieldError, validateForm } from './form-validator.js';
import { cloneJson, deepFreeze, type FormValues, patchValues } from './json-value.js';
import type { InstanceState } from './replay.js';
import { type DefinitionIssue, validateDefinition } from './validate-definition.js';

/** A definition being published; its version is assigned by `publishVersion`. */
export type DefinitionDraft = Omit<WorkflowDefinition, 'version'> & { readonly version?: number };

export type PublishResult =
  | { ok: true; version: number; definition: WorkflowDefinition }
  | { ok: false; errors: DefinitionIssue[] };

/**
 * Validates `next` as the version after `previous` (1 when there is none) and
 * returns a frozen copy carrying that version. A draft that states a
 * different version, or changes the key, is refused.
 */
export function publishVersion(
  previous: WorkflowDefinition | undefined,
  next: DefinitionDraft,
): PublishResult {
  const version = previous === undefined ? 1 : previous.version + 1;
  const errors: DefinitionIssue[] = [];
  if (previous !== undefined && next.key !== previous.key) {
    errors.push({
      path: 'key',
      message: `key "${next.key}" differs from the previous version's key "${previous.key}"`,
    });
  }
  if (next.version !== undefined && next.version !== version) {
    errors.push({
      path: 'version',
      message: `version ${next.version} cannot be published here; the next version is ${version}`,
    });
  }
  const definition = cloneJson({ ...next, version }) as WorkflowDefinition;
  const validation = validateDefinition(definition);
  if (!validation.ok) errors.push(...validation.errors);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, version, definition: deepFreeze(definition) };
}

export type MigrateResult =
  | {
      ok: true;
      /** The instance as it will be once the migration is recorded (its history does not show it yet). */
      instance: InstanceState;
      /** How the instance's data (after `dataPatch`) falls short of the new form (empty if it fits); the caller decides whether that blocks. */
      formErrors: FieldError[];
      /** What to record: wrap it with id, at, author and actor (and a `toRef` if the caller names versions). */
      event: EventPayload<MigrateEvent>;
    }
  | { ok: false; errors: string[] };

/**
 * Moves an open instance from `fromDef` to the newer `toDef`: its current
 * state maps to `stateMap[state]`, or else to the state with the same id.
 * History, assignee and conflicts carry over; data too, merge-patched by
 * `dataPatch`. Returns the event to record: replaying it (with `replay`'s
 * `definitions` option resolving `toDef`) gives the same state, version and
 * data as `instance`.
 */
export function migrateInstance(
  fromDef: WorkflowDefinition,
  toDef: WorkflowDefinition,
  instance: InstanceState,
  stateMap: Readonly<Record<string, string>> = {},
  dataPatch?: FormValues,
): MigrateResult {
  const from = `"${fromDef.key}" v${fromDef.version}`;
  const to = `"${toDef.key}" v${toDef.version}`;
  if (fromDef.key !== toDef.key)
    return { ok: false, errors: [`cannot migrate between different workflows ${from} and ${to}`] };
  if (instance.key !== fromDef.key || instance.version !== fromDef.version) {
    return { ok: false, errors: [`the instance runs "${instance.key}" v${instance.version}, not ${from}`] };
  }
  if (toDef.version <= fromDef.version)
    return { ok: false, errors: [`${to} is not newer than ${from}; instances only move to newer versions`] };
  if (instance.state === null) return { ok: false, errors: ['the instance has not been started'] };
  if (isFinal(fromDef, instance.state)) {
    return {
      ok: false,
      errors: [
        `the instance is closed (final state "${instance.state}"); closed instances keep their version`,
      ],
    };
  }
  const target = Object.hasOwn(stateMap, instance.state) ? stateMap[instance.state] : instance.state;
  if (findState(toDef, target) === undefined) {
    const message =
      target === instance.state
        ? `state "${instance.state}" of ${from} has no counterpart in ${to}; map it to one of ${toDef.states.map((s) => `"${s.id}"`).join(', ')}`
        : `the state map sends "${instance.state}" to "${target}", which ${to} does not define`;
    return { ok: false, errors: [message] };
  }
  const data = patchValues(instance.data, dataPatch);
  const migrated: InstanceState = { ...instance, version: toDef.version, state: target, data };
  const event: EventPayload<MigrateEvent> = {
    type: 'migrate',
    fromState: instance.state,
    ...(instance.stateEnteredBy !== null ? { fromEventId: instance.stateEnteredBy } : {}),
    fromVersion: fromDef.version,
    toVersion: toDef.version,
    toState: target,
    ...(dataPatch !== undefined ? { data: dataPatch } : {}),
  };
  return { ok: true, instance: migrated, formErrors: validateForm(toDef, data).errors, event };
}
