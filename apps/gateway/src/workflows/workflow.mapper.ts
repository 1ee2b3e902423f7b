/** Rows and engine values to GraphQL objects. */
import type { HistoryEntry, InstanceState, WorkflowDefinition } from '@gatehouse/workflow';
import { hlcToDate } from '../common/hlc-time.js';
import { definitionOf, type VersionRow } from './definition-store.js';
import type { Workflow, WorkflowVersion } from './dtos/workflow.types.js';
import type {
  WorkflowHistoryEntry,
  WorkflowItem,
  WorkflowTransitionConflict,
} from './dtos/workflow-item.types.js';
import type { ItemRow, ReplayedItem } from './workflow-items.store.js';

export const toWorkflowVersion = (row: VersionRow): WorkflowVersion => ({
  versionId: row.id,
  version: row.version,
  publishedAt: hlcToDate(row.published_hlc),
  publishedById: row.published_by,
});

export function toWorkflow(row: VersionRow): Workflow {
  const def = definitionOf(row);
  return {
    ...toWorkflowVersion(row),
    id: row.workflow_id,
    orgId: row.org_id,
    key: row.key,
    name: def.name,
    startRoles: JSON.parse(row.start_roles),
    roles: [...(def.roles ?? [])],
    states: def.states.map((s) => ({
      id: s.id,
      label: s.label ?? null,
      initial: s.initial === true,
      final: s.final === true,
      assigneeRoles: [...(s.assigneeRoles ?? [])],
    })),
    transitions: def.transitions.map((t) => ({
      id: t.id,
      name: t.name,
      from: t.from,
      to: t.to,
      roles: [...t.roles],
      requiredFields: [...(t.requiredFields ?? [])],
      condition: t.condition ?? null,
      conditionMessage: t.conditionMessage ?? null,
    })),
    form: def.form,
    definition: def,
  };
}

export const toItem = (row: ItemRow): WorkflowItem => ({
  id: row.id,
  orgId: row.org_id,
  workflowId: row.workflow_id,
  versionId: row.version_id,
  title: row.title,
  state: row.state,
  closed: !!row.final,
  assigneeId: row.assignee,
  waitingOnRoles: JSON.parse(row.waiting_roles),
  data: JSON.parse(row.data),
  conflictCount: row.conflict_count,
  startedById: row.started_by,
  createdAt: hlcToDate(row.started_hlc),
  updatedAt: hlcToDate(row.updated_hlc),
});

/**
 * An item's history. Each transition is named against the version the item
 * ran on when it was taken (migrations move it from one to the next).
 */
export function toHistory(
  item: Pick<ReplayedItem, 'instance' | 'versions' | 'payload'>,
): WorkflowHistoryEntry[] {
  const start = item.versions.get(item.payload.versionId);
  const seen: WorkflowDefinition[] = start ? [definitionOf(start)] : [];
  return item.instance.history.map((entry) => {
    const e = entry.event;
    if (e.type === 'migrate' && entry.status === 'applied') {
      const to = e.toRef === undefined ? undefined : item.versions.get(e.toRef);
      if (to) seen.unshift(definitionOf(to));
    }
    // The newest version the item had reached that has this transition from this state.
    const def =
      e.type === 'transition'
        ? seen.find((d) => d.transitions.some((t) => t.id === e.transitionId && t.from === e.fromState))
        : undefined;
    return toHistoryEntry(def ?? seen[0], entry);
  });
}

export function toHistoryEntry(
  def: WorkflowDefinition | undefined,
  entry: HistoryEntry,
): WorkflowHistoryEntry {
  const e = entry.event;
  const t = e.type === 'transition' ? def?.transitions.find((x) => x.id === e.transitionId) : undefined;
  return {
    id: e.id,
    type: e.type,
    status: entry.status,
    reason: entry.reason ?? null,
    actorId: e.actor || null,
    gatewayId: e.author,
    at: hlcToDate(e.at),
    transitionId: e.type === 'transition' ? e.transitionId : null,
    fromState: e.type === 'transition' || e.type === 'migrate' ? e.fromState : null,
    toState: e.type === 'migrate' ? e.toState : (t?.to ?? null),
    fromVersion: e.type === 'migrate' ? e.fromVersion : null,
    toVersion: e.type === 'migrate' ? e.toVersion : null,
    assigneeId: e.type === 'assign' || e.type === 'transition' ? (e.assignee ?? null) : null,
    text: e.type === 'comment' ? e.text : null,
    data:
      e.type === 'start' || e.type === 'update' || e.type === 'transition' || e.type === 'migrate'
        ? (e.data ?? null)
        : null,
  };
}

export const toConflicts = (instance: InstanceState): WorkflowTransitionConflict[] =>
  instance.conflicts.map((c) => ({ fromState: c.fromState, winner: c.winner, losers: [...c.losers] }));
