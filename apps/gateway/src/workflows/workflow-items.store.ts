/**
 * The `workflow_item` row of an item: a pure function of the item's events
 * and the definition versions it ran on, recomputed on every event.
 */
import {
  canonicalJson,
  compareEvents,
  type InstanceState,
  isFinal,
  type MigrateEvent,
  replay,
  type WorkflowDefinition,
} from '@gatehouse/workflow';
import type { EntityManager } from 'typeorm';
import { definitionOf, type VersionRow, versionRow } from './definition-store.js';
import { type EventRow, eventRows, toEngineEvent } from './workflow-events.util.js';
import { inboxColumns } from './workflow-inbox.util.js';

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
  /** See workflow-inbox.util.ts. */
  ready_roles: string;
  ready_exact: number;
  assignee_roles: string;
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

export interface ReplayedItem {
  readonly start: EventRow;
  readonly payload: StartPayload;
  /** The version the item runs on: the last applied migration's, else the one it started on. */
  readonly version: VersionRow;
  readonly def: WorkflowDefinition;
  readonly instance: InstanceState;
  /** The start's version and every migration target held here, by version id. */
  readonly versions: ReadonlyMap<string, VersionRow>;
}

/**
 * Replays an item's events from the version it started on; each migration
 * (`workflow.itemMigrated`) moves it to the version it names, if that is a
 * version of the same workflow held here. Null while the start or its
 * version has not arrived. A migration whose version has not arrived is
 * rejected until it does (the version's arrival recomputes the item).
 */
export async function replayItem(
  tx: Pick<EntityManager, 'query'>,
  rows: EventRow[],
): Promise<ReplayedItem | null> {
  const start = firstStart(rows);
  const payload = start ? (JSON.parse(start.payload) as StartPayload) : null;
  const first = payload ? await versionRow(tx, payload.versionId) : null;
  if (!start || !payload || !first) return null;
  const versions = new Map([[first.id, first]]);
  const targets = [
    ...new Set(
      rows
        .filter((r) => r.kind === 'workflow.itemMigrated')
        .map((r) => (JSON.parse(r.payload) as { toVersionId: string }).toVersionId),
    ),
  ].filter((id) => !versions.has(id));
  if (targets.length > 0) {
    const found: VersionRow[] = await tx.query(
      `SELECT * FROM workflow_version WHERE workflow_id = ? AND id IN (${targets.map(() => '?').join(',')})`,
      [first.workflow_id, ...targets],
    );
    for (const row of found) versions.set(row.id, row);
  }
  const target = (event: MigrateEvent) => {
    const row = event.toRef === undefined ? undefined : versions.get(event.toRef);
    return row && definitionOf(row);
  };
  const instance = replay(definitionOf(first), rows.map(toEngineEvent), { definitions: target });
  const migrated = instance.history.findLast((h) => h.status === 'applied' && h.event.type === 'migrate');
  const version = migrated ? versions.get((migrated.event as MigrateEvent).toRef as string)! : first;
  return { start, payload, version, def: definitionOf(version), instance, versions };
}

export async function recomputeItem(tx: EntityManager, itemId: string): Promise<void> {
  const rows = await eventRows(tx, itemId);
  const item = await replayItem(tx, rows);
  if (!item) {
    // Events that arrived before their start or their definition wait here, invisible.
    await tx.query('DELETE FROM workflow_item WHERE id = ?', [itemId]);
    return;
  }
  const { start, payload: p, version, def, instance } = item;
  const state = instance.state as string;
  const inbox = inboxColumns(def, instance);
  await tx.query(
    `INSERT INTO workflow_item (id, org_id, workflow_id, version_id, title, state, final, assignee, waiting_roles,
       ready_roles, ready_exact, assignee_roles, data, conflicts, conflict_count, started_by, started_hlc, updated_hlc)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET org_id = excluded.org_id, workflow_id = excluded.workflow_id,
       version_id = excluded.version_id, title = excluded.title, state = excluded.state, final = excluded.final,
       assignee = excluded.assignee, waiting_roles = excluded.waiting_roles, ready_roles = excluded.ready_roles,
       ready_exact = excluded.ready_exact, assignee_roles = excluded.assignee_roles, data = excluded.data,
       conflicts = excluded.conflicts, conflict_count = excluded.conflict_count, started_by = excluded.started_by,
       started_hlc = excluded.started_hlc, updated_hlc = excluded.updated_hlc`,
    [
      itemId,
      p.orgId,
      p.workflowId,
      version.id,
      p.title,
      state,
      isFinal(def, state) ? 1 : 0,
      instance.assignee,
      JSON.stringify(waitingRoles(def, state)),
      inbox.readyRoles,
      inbox.readyExact,
      inbox.assigneeRoles,
      canonicalJson(instance.data),
      canonicalJson(instance.conflicts),
      instance.conflicts.length,
      start.actor,
      start.hlc,
      rows.at(-1)!.hlc, // rows come in hlc order
    ],
  );
}
