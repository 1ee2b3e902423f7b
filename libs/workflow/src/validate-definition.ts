/**
 * `validateDefinition`: everything a definition must satisfy before it is
 * published. Accepts any value (definitions arrive as JSON) and never throws;
 * each issue names the offending state, transition, role or field.
 */
import { CONTEXT_VAR, ORG_ROLES } from './definition.js';
import { compileForm } from './form-validator.js';
import { canReach, reachableFrom } from './graph.js';
import { checkLogic } from './json-logic.js';

export interface DefinitionIssue {
  /** Where in the definition, e.g. `transitions[2].roles[0]`, `form`, `states`. */
  readonly path: string;
  readonly message: string;
}

export type DefinitionValidation = { ok: true } | { ok: false; errors: DefinitionIssue[] };

type Rec = Record<string, unknown>;
const isRecord = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const isName = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const quote = (names: Iterable<string>): string => [...names].map((n) => `"${n}"`).join(', ');

interface Checked {
  readonly issues: DefinitionIssue[];
  readonly roles: Set<string>;
  readonly fields: Set<string> | null;
}

export function validateDefinition(input: unknown): DefinitionValidation {
  if (!isRecord(input))
    return { ok: false, errors: [{ path: '', message: 'a workflow definition must be an object' }] };
  const issues: DefinitionIssue[] = [];
  const add = (path: string, message: string): void => {
    issues.push({ path, message });
  };
  if (!isName(input.key)) add('key', 'key must be a non-empty string');
  if (!Number.isInteger(input.version) || (input.version as number) < 1)
    add('version', 'version must be a positive integer');
  if (!isName(input.name)) add('name', 'name must be a non-empty string');
  const checked: Checked = {
    issues,
    roles: checkRoles(input.roles, add),
    fields: checkForm(input.form, add),
  };
  const states = checkStates(input.states, checked, add);
  const edges = checkTransitions(input.transitions, states, checked, add);
  if (states.initial !== undefined) checkGraph(states, edges, add);
  return issues.length === 0 ? { ok: true } : { ok: false, errors: issues };
}

type Add = (path: string, message: string) => void;

function checkRoles(roles: unknown, add: Add): Set<string> {
  const known = new Set(ORG_ROLES);
  if (roles === undefined) return known;
  if (!Array.isArray(roles)) {
    add('roles', 'roles must be an array of role names');
    return known;
  }
  roles.forEach((role, i) => {
    if (!isName(role)) add(`roles[${i}]`, 'a role name must be a non-empty string');
    else if (roles.indexOf(role) !== i) add(`roles[${i}]`, `role "${role}" is declared twice`);
    else known.add(role);
  });
  return known;
}

function checkForm(form: unknown, add: Add): Set<string> | null {
  if (!isRecord(form) || form.type !== 'object' || !isRecord(form.properties)) {
    add('form', 'form must be a JSON Schema object: { "type": "object", "properties": { ... } }');
    return null;
  }
  const fields = new Set(Object.keys(form.properties));
  if (fields.has(CONTEXT_VAR))
    add(
      `form.properties.${CONTEXT_VAR}`,
      `"${CONTEXT_VAR}" is reserved for conditions and cannot be a form field`,
    );
  if (Array.isArray(form.required)) {
    for (const name of form.required) {
      if (typeof name === 'string' && !fields.has(name))
        add('form.required', `form requires field "${name}", which it does not define`);
    }
  }
  const compiled = compileForm(form);
  if (!compiled.ok) add('form', `form is not a valid JSON Schema: ${compiled.message}`);
  return fields;
}

interface States {
  /** State id -> index of its first declaration. */
  readonly ids: Map<string, number>;
  readonly finals: Set<string>;
  readonly initial: string | undefined;
}

function checkRoleList(list: unknown, path: string, owner: string, known: Set<string>, add: Add): void {
  if (!Array.isArray(list)) {
    add(path, `${owner} must list its roles as an array`);
    return;
  }
  list.forEach((role, i) => {
    if (!isName(role)) add(`${path}[${i}]`, `${owner} has a role that is not a non-empty string`);
    else if (!known.has(role)) {
      add(
        `${path}[${i}]`,
        `${owner} names unknown role "${role}"; declare it in "roles" or use one of ${quote(known)}`,
      );
    }
  });
}

function checkStates(input: unknown, checked: Checked, add: Add): States {
  const ids = new Map<string, number>();
  const finals = new Set<string>();
  const initials: string[] = [];
  if (!Array.isArray(input) || input.length === 0) {
    add('states', 'states must be a non-empty array');
    return { ids, finals, initial: undefined };
  }
  input.forEach((state, i) => {
    const path = `states[${i}]`;
    if (!isRecord(state) || !isName(state.id)) {
      add(path, 'a state must be an object with a non-empty string id');
      return;
    }
    const id = state.id;
    if (ids.has(id)) add(`${path}.id`, `duplicate state id "${id}"`);
    else ids.set(id, i);
    if (state.initial === true) initials.push(id);
    if (state.final === true) finals.add(id);
    if (state.initial === true && state.final === true)
      add(path, `state "${id}" cannot be both initial and final`);
    if (state.label !== undefined && typeof state.label !== 'string')
      add(`${path}.label`, `label of state "${id}" must be a string`);
    if (state.assigneeRoles !== undefined) {
      checkRoleList(state.assigneeRoles, `${path}.assigneeRoles`, `state "${id}"`, checked.roles, add);
    }
  });
  if (initials.length === 0) add('states', 'no initial state: mark exactly one state with "initial": true');
  if (initials.length > 1)
    add(
      'states',
      `${initials.length} initial states (${quote(initials)}); exactly one state must be initial`,
    );
  if (finals.size === 0) add('states', 'no final state: mark at least one state with "final": true');
  return { ids, finals, initial: initials.length === 1 ? initials[0] : undefined };
}

function checkTransitions(
  input: unknown,
  states: States,
  checked: Checked,
  add: Add,
): { from: string; to: string }[] {
  const edges: { from: string; to: string }[] = [];
  if (!Array.isArray(input)) {
    add('transitions', 'transitions must be an array');
    return edges;
  }
  const seen = new Set<string>();
  input.forEach((t, i) => {
    const path = `transitions[${i}]`;
    if (!isRecord(t) || !isName(t.id)) {
      add(path, 'a transition must be an object with a non-empty string id');
      return;
    }
    const label = `transition "${t.id}"`;
    if (seen.has(t.id)) add(`${path}.id`, `duplicate transition id "${t.id}"`);
    seen.add(t.id);
    if (!isName(t.name)) add(`${path}.name`, `${label} needs a non-empty name`);
    for (const end of ['from', 'to'] as const) {
      const ref = t[end];
      if (!isName(ref)) add(`${path}.${end}`, `${label} needs a "${end}" state id`);
      else if (!states.ids.has(ref))
        add(`${path}.${end}`, `${label} refers to unknown state "${ref}" in "${end}"`);
    }
    if (isName(t.from) && states.finals.has(t.from))
      add(`${path}.from`, `${label} leaves final state "${t.from}"`);
    if (isName(t.from) && isName(t.to) && states.ids.has(t.from) && states.ids.has(t.to))
      edges.push({ from: t.from, to: t.to });
    checkRoleList(t.roles, `${path}.roles`, label, checked.roles, add);
    if (Array.isArray(t.roles) && t.roles.length === 0)
      add(`${path}.roles`, `${label} lists no roles, so nobody could take it`);
    if (t.conditionMessage !== undefined && typeof t.conditionMessage !== 'string') {
      add(`${path}.conditionMessage`, `conditionMessage of ${label} must be a string`);
    }
    checkFieldRefs(t, path, label, checked, add);
  });
  return edges;
}

function checkFieldRefs(t: Rec, path: string, label: string, checked: Checked, add: Add): void {
  if (t.requiredFields !== undefined) {
    if (!Array.isArray(t.requiredFields))
      add(`${path}.requiredFields`, `requiredFields of ${label} must be an array`);
    else {
      t.requiredFields.forEach((field, j) => {
        if (typeof field !== 'string')
          add(`${path}.requiredFields[${j}]`, `${label} has a required field that is not a string`);
        else if (checked.fields && !checked.fields.has(field)) {
          add(
            `${path}.requiredFields[${j}]`,
            `${label} requires field "${field}", which the form does not define`,
          );
        }
      });
    }
  }
  if (t.condition !== undefined && checked.fields) {
    for (const problem of checkLogic(t.condition, checked.fields))
      add(`${path}.condition`, `condition of ${label} ${problem}`);
  }
}

function checkGraph(states: States, edges: { from: string; to: string }[], add: Add): void {
  const initial = states.initial as string;
  const reachable = reachableFrom(initial, edges);
  const toFinal = canReach(states.finals, edges);
  const hasExit = new Set(edges.map((e) => e.from));
  for (const [id, i] of states.ids) {
    const path = `states[${i}]`;
    if (!reachable.has(id)) add(path, `state "${id}" is unreachable from the initial state "${initial}"`);
    else if (!states.finals.has(id) && !hasExit.has(id))
      add(path, `state "${id}" is a dead end: it is not final and no transition leaves it`);
    else if (states.finals.size > 0 && !toFinal.has(id))
      add(path, `no final state can be reached from state "${id}"`);
  }
}
