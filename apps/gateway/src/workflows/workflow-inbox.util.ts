/**
 * Who an unassigned item waits on, kept in its row so that each member's
 * inbox is one indexed query rather than a replay of every open item:
 *
 * - `ready_roles`: the roles whose holders can take some transition now
 *   (role, condition, required fields and form all checked by the engine's
 *   `actionableRoles`, i.e. `availableTransitions` without an actor);
 * - `ready_exact`: 0 when a condition reads `context.actorRoles` (the
 *   purchase request's "or the actor is on the board"): holding a ready role
 *   is then necessary but not enough, and the query asks the engine again
 *   with the member's own roles (`waitsOn`);
 * - `assignee_roles`: the state's `assigneeRoles`; when it names any, the
 *   item waits only on holders of one of them.
 *
 * All three follow from (definition, state, data), so they stay out of the
 * state hash: `version_id`, `state` and `data` are in it.
 */
import {
  actionableRoles,
  availableTransitions,
  findState,
  type InstanceState,
  isFinal,
  type WorkflowDefinition,
} from '@gatehouse/workflow';

export interface InboxColumns {
  readonly readyRoles: string;
  readonly readyExact: 0 | 1;
  readonly assigneeRoles: string;
}

export function inboxColumns(def: WorkflowDefinition, instance: InstanceState): InboxColumns {
  const { roles, exact } = actionableRoles(def, instance);
  const open = instance.state !== null && !isFinal(def, instance.state);
  const holders = open ? [...(findState(def, instance.state as string)?.assigneeRoles ?? [])].sort() : [];
  return {
    readyRoles: JSON.stringify(roles),
    readyExact: exact ? 1 : 0,
    assigneeRoles: JSON.stringify(holders),
  };
}

/**
 * Whether an unassigned item in `state` with `data` waits on an actor with
 * `actorRoles`: they hold one of the state's assignee roles (if it names
 * any) and can take some transition now.
 */
export function waitsOn(
  def: WorkflowDefinition,
  state: string,
  data: Record<string, unknown>,
  actorRoles: readonly string[],
): boolean {
  const holders = findState(def, state)?.assigneeRoles ?? [];
  if (holders.length > 0 && !holders.some((r) => actorRoles.includes(r))) return false;
  const instance: InstanceState = {
    key: def.key,
    version: def.version,
    state,
    stateEnteredBy: null,
    data,
    assignee: null,
    history: [],
    conflicts: [],
  };
  return availableTransitions(def, instance, actorRoles).some((a) => a.allowed);
}
