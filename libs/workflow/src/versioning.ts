/**
 * Versions: a (key, version) pair names one immutable definition. Running
 * instances keep the version they started on; moving one to a newer version
 * is an explicit `migrateInstance`.
 */
import { findState, type WorkflowDefinition } from './definition.js';
import { type FieldError, validateForm } from './form-validator.js';
import { cloneJson, deepFreeze } from './json-value.js';
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
      instance: InstanceState;
      /** How the instance's data falls short of the new form (empty if it fits); the caller decides whether that blocks. */
      formErrors: FieldError[];
    }
  | { ok: false; errors: string[] };

/**
 * Moves an instance from `fromDef` to `toDef`: its current state maps to the
 * state with the same id, or to `stateMap[state]`. History, data, assignee
 * and conflicts carry over. Recording the migration (e.g. as an op) is the
 * caller's job; replaying old events against `toDef` is not meaningful.
 */
export function migrateInstance(
  fromDef: WorkflowDefinition,
  toDef: WorkflowDefinition,
  instance: InstanceState,
  stateMap: Readonly<Record<string, string>> = {},
): MigrateResult {
  const from = `"${fromDef.key}" v${fromDef.version}`;
  const to = `"${toDef.key}" v${toDef.version}`;
  if (fromDef.key !== toDef.key)
    return { ok: false, errors: [`cannot migrate between different workflows ${from} and ${to}`] };
  if (instance.key !== fromDef.key || instance.version !== fromDef.version) {
    return { ok: false, errors: [`the instance runs "${instance.key}" v${instance.version}, not ${from}`] };
  }
  let state: string | null = null;
  if (instance.state !== null) {
    const target = Object.hasOwn(stateMap, instance.state) ? stateMap[instance.state] : instance.state;
    if (findState(toDef, target) === undefined) {
      const message =
        target === instance.state
          ? `state "${instance.state}" of ${from} has no counterpart in ${to}; map it to one of ${toDef.states.map((s) => `"${s.id}"`).join(', ')}`
          : `the state map sends "${instance.state}" to "${target}", which ${to} does not define`;
      return { ok: false, errors: [message] };
    }
    state = target;
  }
  const migrated: InstanceState = { ...instance, version: toDef.version, state };
  const form = validateForm(toDef, instance.data);
  return { ok: true, instance: migrated, formErrors: form.errors };
}
