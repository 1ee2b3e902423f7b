/**
 * The designer's model of a workflow, in words an admin uses (steps, actions,
 * form fields), and its translation to and from the engine's definition
 * (libs/workflow: states, transitions, a JSON Schema form, JSON Logic
 * conditions). The designer never shows JSON.
 */

export type FieldType = 'text' | 'multiline' | 'number' | 'integer' | 'boolean' | 'date' | 'choice';
export const FIELD_TYPES: readonly FieldType[] = [
  'text',
  'multiline',
  'number',
  'integer',
  'boolean',
  'date',
  'choice',
];

export type Operator = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'filled';
export const OPERATORS: readonly Operator[] = ['==', '!=', '<', '<=', '>', '>=', 'filled'];

export interface DesignField {
  uid: string;
  name: string;
  title: string;
  type: FieldType;
  required: boolean;
  /** Choice fields: one option per line. */
  choices: string;
  min: string;
  max: string;
}

export interface DesignState {
  uid: string;
  id: string;
  label: string;
  initial: boolean;
  final: boolean;
  assigneeRoles: string[];
}

export interface DesignCondition {
  field: string;
  op: Operator;
  value: string;
}

export interface DesignTransition {
  uid: string;
  id: string;
  name: string;
  from: string;
  to: string;
  roles: string[];
  requiredFields: string[];
  condition: DesignCondition | null;
  /** A condition the simple builder cannot show (made elsewhere): kept as it was. */
  rawCondition?: unknown;
  conditionMessage: string;
}

export interface Design {
  name: string;
  key: string;
  /** Custom roles, beyond the organisation's. */
  roles: string[];
  startRoles: string[];
  fields: DesignField[];
  states: DesignState[];
  transitions: DesignTransition[];
}

export const ORG_ROLES = ['owner', 'admin', 'editor', 'member', 'viewer'] as const;

let counter = 0;
export const uid = () => `u${++counter}`;

/** "Waiting for approval" -> "waiting-for-approval" (ids the engine accepts). */
export function toId(text: string, fallback: string): string {
  const id = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return id || fallback;
}

/** Form field names are used in conditions ({ var: name }): letters, digits and underscores. */
export function toFieldName(text: string, fallback: string): string {
  const name = toId(text, fallback).replace(/-/g, '_');
  return /^[a-z_]/.test(name) ? name : `f_${name}`;
}

export function emptyDesign(): Design {
  return {
    name: '',
    key: '',
    roles: [],
    startRoles: ['member'],
    fields: [],
    states: [
      { uid: uid(), id: 'submitted', label: 'Submitted', initial: true, final: false, assigneeRoles: [] },
      { uid: uid(), id: 'done', label: 'Done', initial: false, final: true, assigneeRoles: [] },
    ],
    transitions: [],
  };
}

function fieldSchema(field: DesignField): Record<string, unknown> {
  const title = field.title.trim() || field.name;
  const number = (s: string) => (s.trim() === '' || Number.isNaN(Number(s)) ? undefined : Number(s));
  switch (field.type) {
    case 'multiline':
      return { type: 'string', title, $comment: 'multiline' };
    case 'number':
    case 'integer': {
      const schema: Record<string, unknown> = { type: field.type, title };
      const min = number(field.min);
      const max = number(field.max);
      if (min !== undefined) schema.minimum = min;
      if (max !== undefined) schema.maximum = max;
      return schema;
    }
    case 'boolean':
      return { type: 'boolean', title };
    case 'date':
      return { type: 'string', format: 'date', title };
    case 'choice':
      return {
        type: 'string',
        title,
        enum: field.choices
          .split('\n')
          .map((c) => c.trim())
          .filter(Boolean),
      };
    default:
      return { type: 'string', title };
  }
}

/** The value typed into a condition, as the field's JSON type. */
function conditionValue(field: DesignField | undefined, raw: string): unknown {
  if (field && (field.type === 'number' || field.type === 'integer')) {
    return raw.trim() === '' || Number.isNaN(Number(raw)) ? raw : Number(raw);
  }
  if (field?.type === 'boolean') return raw === 'true';
  return raw;
}

export function toLogic(condition: DesignCondition, fields: DesignField[]): unknown {
  const v = { var: condition.field };
  if (condition.op === 'filled') return { '!!': [v] };
  const field = fields.find((f) => f.name === condition.field);
  return { [condition.op]: [v, conditionValue(field, condition.value)] };
}

/** Reads a simple comparison back into the builder; null if it is something else. */
export function fromLogic(logic: unknown): DesignCondition | null {
  if (!logic || typeof logic !== 'object' || Array.isArray(logic)) return null;
  const entries = Object.entries(logic as Record<string, unknown>);
  if (entries.length !== 1) return null;
  const [op, args] = entries[0];
  if (!Array.isArray(args)) return null;
  const variable = args[0] as { var?: unknown } | undefined;
  if (!variable || typeof variable.var !== 'string') return null;
  if (op === '!!' && args.length === 1) return { field: variable.var, op: 'filled', value: '' };
  if (!(OPERATORS as readonly string[]).includes(op) || args.length !== 2) return null;
  const value = args[1];
  if (typeof value === 'object' && value !== null) return null;
  return { field: variable.var, op: op as Operator, value: String(value) };
}

export interface DefinitionDraft {
  key: string;
  name: string;
  roles: string[];
  states: { id: string; label?: string; initial?: boolean; final?: boolean; assigneeRoles?: string[] }[];
  transitions: {
    id: string;
    name: string;
    from: string;
    to: string;
    roles: string[];
    condition?: unknown;
    conditionMessage?: string;
    requiredFields?: string[];
  }[];
  form: { type: 'object'; properties: Record<string, unknown>; required?: string[] };
}

export function toDefinition(design: Design): DefinitionDraft {
  const required = design.fields.filter((f) => f.required).map((f) => f.name);
  return {
    key: design.key,
    name: design.name.trim(),
    roles: design.roles,
    states: design.states.map((s) => ({
      id: s.id,
      label: s.label.trim() || undefined,
      ...(s.initial ? { initial: true } : {}),
      ...(s.final ? { final: true } : {}),
      ...(s.assigneeRoles.length ? { assigneeRoles: s.assigneeRoles } : {}),
    })),
    transitions: design.transitions.map((t) => {
      const condition = t.condition ? toLogic(t.condition, design.fields) : t.rawCondition;
      return {
        id: t.id,
        name: t.name.trim(),
        from: t.from,
        to: t.to,
        roles: t.roles,
        ...(condition !== undefined ? { condition } : {}),
        ...(condition !== undefined && t.conditionMessage.trim()
          ? { conditionMessage: t.conditionMessage.trim() }
          : {}),
        ...(t.requiredFields.length ? { requiredFields: t.requiredFields } : {}),
      };
    }),
    form: {
      type: 'object',
      properties: Object.fromEntries(design.fields.map((f) => [f.name, fieldSchema(f)])),
      ...(required.length ? { required } : {}),
    },
  };
}

function fieldFrom(name: string, schema: Record<string, unknown>, required: boolean): DesignField {
  const type: FieldType =
    schema.$comment === 'multiline'
      ? 'multiline'
      : Array.isArray(schema.enum)
        ? 'choice'
        : schema.format === 'date'
          ? 'date'
          : schema.type === 'number' || schema.type === 'integer' || schema.type === 'boolean'
            ? (schema.type as FieldType)
            : 'text';
  return {
    uid: uid(),
    name,
    title: typeof schema.title === 'string' ? schema.title : name,
    type,
    required,
    choices: Array.isArray(schema.enum) ? schema.enum.join('\n') : '',
    min: typeof schema.minimum === 'number' ? String(schema.minimum) : '',
    max: typeof schema.maximum === 'number' ? String(schema.maximum) : '',
  };
}

/** A published definition back into the designer. */
export function fromDefinition(def: Record<string, unknown>, startRoles: string[]): Design {
  const form = (def.form ?? { properties: {} }) as {
    properties?: Record<string, Record<string, unknown>>;
    required?: string[];
  };
  const states = (def.states ?? []) as DefinitionDraft['states'];
  const transitions = (def.transitions ?? []) as DefinitionDraft['transitions'];
  return {
    name: String(def.name ?? ''),
    key: String(def.key ?? ''),
    roles: ((def.roles ?? []) as string[]).slice(),
    startRoles: startRoles.slice(),
    fields: Object.entries(form.properties ?? {}).map(([name, schema]) =>
      fieldFrom(name, schema, (form.required ?? []).includes(name)),
    ),
    states: states.map((s) => ({
      uid: uid(),
      id: s.id,
      label: s.label ?? '',
      initial: !!s.initial,
      final: !!s.final,
      assigneeRoles: s.assigneeRoles ?? [],
    })),
    transitions: transitions.map((t) => {
      const simple = t.condition === undefined ? null : fromLogic(t.condition);
      return {
        uid: uid(),
        id: t.id,
        name: t.name,
        from: t.from,
        to: t.to,
        roles: t.roles ?? [],
        requiredFields: t.requiredFields ?? [],
        condition: simple,
        rawCondition: t.condition !== undefined && !simple ? t.condition : undefined,
        conditionMessage: t.conditionMessage ?? '',
      };
    }),
  };
}

export interface DesignProblems {
  general: string[];
  basics: Record<string, string[]>;
  states: Record<number, string[]>;
  transitions: Record<number, string[]>;
  fields: string[];
}

/**
 * Sorts the engine's messages (fields like `definition.states[2].id`,
 * `definition.transitions[0].roles`, `definition.form…`, `startRoles`) under
 * the part of the designer they are about.
 */
export function sortProblems(problems: readonly { field: string; message: string }[]): DesignProblems {
  const out: DesignProblems = { general: [], basics: {}, states: {}, transitions: {}, fields: [] };
  const push = <K extends string | number>(into: Record<K, string[]>, key: K, message: string) => {
    into[key] = [...(into[key] ?? []), message];
  };
  for (const { field, message } of problems) {
    const path = field.replace(/^definition\.?/, '');
    const head = path.split(/[.[]/)[0];
    const state = /^states\[(\d+)\]/.exec(path);
    const transition = /^transitions\[(\d+)\]/.exec(path);
    if (state) push(out.states, Number(state[1]), message);
    else if (transition) push(out.transitions, Number(transition[1]), message);
    else if (path.startsWith('form')) out.fields.push(message);
    else if (field === 'startRoles') push(out.basics, 'startRoles', message);
    else if (['key', 'name', 'roles'].includes(head)) push(out.basics, head, message);
    else out.general.push(message);
  }
  return out;
}
