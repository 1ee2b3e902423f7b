/**
 * The `workflow_item` row of an item: a pure function of the item's events
 * and the definition version it started on, recomputed on every event.
 */
import { canonicalJson, compareEvents, isFinal, replay, type WorkflowDefinition } from '@gatehouse/workflow';
import type { EntityManager } from 'typeorm';
import { definitionOf, versionRow } from './definition-store.js';
import { type EventRow, eventRows, toEngineEvent } from './workflow-events.util.js';

export interface ItemRow {
  id: string;
  org_id: string;
  workflow_id: string;
  version_id: string;
  title: string;
  state: string;
  final: number;
  assignee: string | null;
  waiting_roles: string;
  data: string;
  conflicts: string;
  conflict_count: number;
  started_by: string | null;
  started_hlc: string;
  updated_hlc: string;
}

export interface StartPayload {
  orgId: string;
  itemId: string;
  workflowId: string;
  versionId: string;
  title: string;
  data: Record<string, unknown>;
}

/** The roles that can move an item on from `state`: whose queue it waits in. */
export function waitingRoles(def: WorkflowDefinition, state: string): string[] {
  if (isFinal(def, state)) return [];
  const roles = new Set(def.transitions.filter((t) => t.from === state).flatMap((t) => t.roles));
  return [...roles].sort();
}

/** The start event that counts: the first in event order (a second start is rejected by replay). */
export function firstStart(rows: EventRow[]): EventRow | undefined {
  return rows
    .filter((r) => r.kind === 'workflow.itemStarted')
    .sort((a, b) => compareEvents(toEngineEvent(a), toEngineEvent(b)))[0];
}

export async function recomputeItem(tx: EntityManager, itemId: string): Promise<void> {
  const rows = await eventRows(tx, itemId);
  const start = firstStart(rows);
  const p = start ? (JSON.parse(start.payload) as StartPayload) : null;
  const version = p ? await versionRow(tx, p.versionId) : null;
  if (!start || !p || !version) {
    // Events that arrived before their start or their definition wait here, invisible.
    await tx.query('DELETE FROM workflow_item WHERE id = ?', [itemId]);
    return;
  }
  const def = definitionOf(version);
  const instance = replay(def, rows.map(toEngineEvent));
  const state = instance.state as string;
  await tx.query(
    `INSERT INTO workflow_item (id, org_id, workflow_id, version_id, title, state, final, assignee, waiting_roles, data,
       conflicts, conflict_count, started_by, started_hlc, updated_hlc)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET org_id = excluded.org_id, workflow_id = excluded.workflow_id,
       version_id = excluded.version_id, title = excluded.title, state = excluded.state, final = excluded.final,
       assignee = excluded.assignee, waiting_roles = excluded.waiting_roles, data = excluded.data,
       conflicts = excluded.conflicts, conflict_count = excluded.conflict_count, started_by = excluded.started_by,
       started_hlc = excluded.started_hlc, updated_hlc = excluded.updated_hlc`,
    [
      itemId,
      p.orgId,
      p.workflowId,
      p.versionId,
      p.title,
      state,
      isFinal(def, state) ? 1 : 0,
      instance.assignee,
      JSON.stringify(waitingRoles(def, state)),
      canonicalJson(instance.data),
      canonicalJson(instance.conflicts),
      instance.conflicts.length,
      start.actor,
      start.hlc,
      rows.at(-1)!.hlc, // rows come in hlc order
    ],
  );
}
