/**
 * JSON Logic: static checks for definitions and evaluation for transitions.
 *
 * Var convention: `{ "var": "amount" }` (or `"address.city"`) reads the form
 * field `amount` (`address`). `context.*` is reserved for the context the
 * engine supplies: `context.actorRoles` (string[]), `context.state` (current
 * state id) and `context.transition` (transition id). Inside the second
 * argument of map/filter/all/none/some/reduce, vars refer to the element
 * (reduce: `current`, `accumulator`) and are not checked against the form.
 */
import jsonLogic from 'json-logic-js';
import { CONTEXT_KEYS, CONTEXT_VAR } from './definition.js';

/** Operators a definition may use: json-logic-js's own, minus `log` (it writes to the console). */
export const LOGIC_OPERATORS: ReadonlySet<string> = new Set([
  ...['==', '===', '!=', '!==', '>', '>=', '<', '<=', '!', '!!', '%', 'in', 'cat', 'substr'],
  ...['+', '-', '*', '/', 'min', 'max', 'merge', 'var', 'missing', 'missing_some'],
  ...['if', '?:', 'and', 'or', 'filter', 'map', 'reduce', 'all', 'none', 'some'],
]);

/** Operators whose second argument runs with the array element as data. */
const SCOPED_OPERATORS = new Set(['filter', 'map', 'reduce', 'all', 'none', 'some']);

export interface LogicContext {
  readonly actorRoles: readonly string[];
  readonly state: string;
  readonly transition: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** json-logic-js treats an object with exactly one key as an operation; anything else is a literal. */
function operatorOf(rule: unknown): string | undefined {
  if (!isRecord(rule)) return undefined;
  const keys = Object.keys(rule);
  return keys.length === 1 ? keys[0] : undefined;
}

/**
 * Problems in a rule: unknown operators, and vars or `missing` names that are
 * neither form fields nor known context keys. Returns human messages.
 */
export function checkLogic(rule: unknown, fields: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const checkName = (name: string): void => {
    if (name === '') return; // the whole data object
    const [head, second] = name.split('.');
    if (head === CONTEXT_VAR) {
      if (second === undefined || !CONTEXT_KEYS.includes(second)) {
        problems.push(
          `refers to "${name}"; the context offers ${CONTEXT_KEYS.map((k) => `context.${k}`).join(', ')}`,
        );
      }
    } else if (!fields.has(head)) {
      const hint = head === 'data' ? ' (vars name form fields directly, e.g. {"var": "amount"})' : '';
      problems.push(`refers to "${name}", but the form has no field "${head}"${hint}`);
    }
  };
  const walk = (node: unknown, inScope: boolean): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item, inScope);
      return;
    }
    const op = operatorOf(node);
    if (op === undefined) return; // a literal
    const args = (node as Record<string, unknown>)[op];
    const list = Array.isArray(args) ? args : [args];
    if (!LOGIC_OPERATORS.has(op)) {
      problems.push(`uses unknown operator "${op}"`);
      return;
    }
    if (op === 'var') {
      const [name, fallback] = list;
      if (inScope) {
        walk(fallback, inScope);
      } else if (typeof name === 'string') {
        checkName(name);
        walk(fallback, inScope);
      } else if (name !== undefined && name !== null) {
        problems.push(`has a var whose name is not a literal string: ${JSON.stringify(name)}`);
      }
      return;
    }
    if (op === 'missing' || op === 'missing_some') {
      const names = op === 'missing_some' ? list.slice(1) : list;
      if (op === 'missing_some') walk(list[0], inScope);
      for (const entry of names.flat()) {
        if (typeof entry === 'string' && !inScope) checkName(entry);
        else walk(entry, inScope);
      }
      return;
    }
    if (SCOPED_OPERATORS.has(op)) {
      for (const [i, arg] of list.entries()) walk(arg, i === 1 ? true : inScope);
      return;
    }
    walk(list, inScope);
  };
  walk(rule, false);
  return problems;
}

/** The first operator in a rule that `LOGIC_OPERATORS` does not allow, if any. */
export function disallowedOperator(rule: unknown): string | undefined {
  if (Array.isArray(rule)) {
    for (const item of rule) {
      const found = disallowedOperator(item);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  const op = operatorOf(rule);
  if (op === undefined) return undefined;
  if (!LOGIC_OPERATORS.has(op)) return op;
  return disallowedOperator((rule as Record<string, unknown>)[op]);
}

export type ConditionResult = { ok: true; value: boolean } | { ok: false; error: string };

/** Evaluates a condition over form data plus `context`; never throws. */
export function evaluateCondition(
  rule: unknown,
  data: Readonly<Record<string, unknown>>,
  context: LogicContext,
): ConditionResult {
  const bad = disallowedOperator(rule);
  if (bad !== undefined) return { ok: false, error: `unknown operator "${bad}"` };
  try {
    const scope = { ...data, [CONTEXT_VAR]: { ...context, actorRoles: [...context.actorRoles] } };
    // biome-ignore lint/suspicious/noExplicitAny: json-logic-js types rules narrowly; definitions are checked by checkLogic.
    return { ok: true, value: jsonLogic.truthy(jsonLogic.apply(rule as any, scope)) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Whether a rule may read `context.actorRoles` (so its value can depend on
 * who acts). Conservative: a var whose name is computed, the whole data
 * object (`{ "var": "" }`) and `context` itself count as reading it.
 */
export function readsActorRoles(rule: unknown): boolean {
  const roleName = (name: unknown): boolean => {
    if (typeof name === 'number') return false;
    if (typeof name !== 'string') return true; // computed: cannot tell
    const path = name.split('.');
    return name === '' || (path[0] === CONTEXT_VAR && (path.length === 1 || path[1] === 'actorRoles'));
  };
  const walk = (node: unknown, inScope: boolean): boolean => {
    if (Array.isArray(node)) return node.some((item) => walk(item, inScope));
    const op = operatorOf(node);
    if (op === undefined) return false;
    const args = (node as Record<string, unknown>)[op];
    const list = Array.isArray(args) ? args : [args];
    if (op === 'var') {
      const [name, fallback] = list;
      if (walk(fallback, inScope)) return true;
      if (inScope) return operatorOf(name) !== undefined && walk(name, inScope);
      return name !== undefined && name !== null && (operatorOf(name) !== undefined ? true : roleName(name));
    }
    if (op === 'missing' || op === 'missing_some') {
      const names = op === 'missing_some' ? list.slice(1) : list;
      if (op === 'missing_some' && walk(list[0], inScope)) return true;
      return names
        .flat()
        .some((entry) => (typeof entry === 'string' && !inScope ? roleName(entry) : walk(entry, inScope)));
    }
    if (SCOPED_OPERATORS.has(op)) return list.some((arg, i) => walk(arg, i === 1 ? true : inScope));
    return walk(list, inScope);
  };
  return walk(rule, false);
}
