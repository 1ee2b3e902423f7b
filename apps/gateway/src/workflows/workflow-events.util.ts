/**
 * Workflow instance events as stored in `workflow_event`: one row per op
 * (id = op id, at = op hlc), turned back into the engine's events for replay.
 * User items, edit conflicts and task statuses all keep their events here.
 */
import type { Op } from '@gatehouse/mesh';
import { canonicalJson, type WorkflowEvent } from '@gatehouse/workflow';
import type { EntityManager } from 'typeorm';

export interface EventRow {
  id: string;
  org_id: string;
  instance_id: string;
  kind: string;
  payload: string;
  actor: string | null;
  author: string;
  hlc: string;
}

/** What each op kind means to the engine. */
export const EVENT_TYPE: Readonly<Record<string, WorkflowEvent['type']>> = {
  'workflow.itemStarted': 'start',
  'workflow.itemTransitioned': 'transition',
  'workflow.itemAssigned': 'assign',
  'workflow.itemCommented': 'comment',
  'workflow.itemMigrated': 'migrate',
  'conflict.transitioned': 'transition',
  'conflict.assigned': 'assign',
  'conflict.commented': 'comment',
  'conflict.noted': 'update',
  'project.taskCreated': 'start',
  'project.taskMoved': 'transition',
};

type Payload = Record<string, unknown>;

export function toEngineEvent(row: EventRow): WorkflowEvent {
  const p = JSON.parse(row.payload) as Payload;
  const base = { id: row.id, at: row.hlc, author: row.author, actor: row.actor ?? '' };
  switch (EVENT_TYPE[row.kind]) {
    case 'start':
      return { ...base, type: 'start', data: (p.data as Payload | undefined) ?? {} };
    case 'transition':
      return {
        ...base,
        type: 'transition',
        transitionId: p.transitionId as string,
        fromState: p.fromState as string,
        ...(typeof p.fromEventId === 'string' ? { fromEventId: p.fromEventId } : {}),
        ...(p.data !== undefined ? { data: p.data as Payload } : {}),
        ...(p.assignee !== undefined ? { assignee: p.assignee as string | null } : {}),
      };
    case 'assign':
      return { ...base, type: 'assign', assignee: (p.assignee as string | null) ?? null };
    case 'comment':
      return { ...base, type: 'comment', text: String(p.text ?? '') };
    case 'update':
      return { ...base, type: 'update', data: { note: p.note } };
    case 'migrate':
      return {
        ...base,
        type: 'migrate',
        fromState: p.fromState as string,
        ...(typeof p.fromEventId === 'string' ? { fromEventId: p.fromEventId } : {}),
        fromVersion: p.fromVersion as number,
        toVersion: p.toVersion as number,
        toState: p.toState as string,
        toRef: p.toVersionId as string,
        ...(p.data !== undefined ? { data: p.data as Payload } : {}),
      };
    default:
      throw new Error(`op kind ${row.kind} is not a workflow event`);
  }
}

/**
 * Stores an op as an event of an instance; replays of the same op are no-ops.
 * The payload is kept as canonical JSON: a local op keeps its writer's key
 * order, a received one is decoded sorted, and both must store the same text.
 */
export async function recordEvent(
  tx: EntityManager,
  op: Op,
  orgId: string,
  instanceId: string,
): Promise<void> {
  await tx.query(
    `INSERT INTO workflow_event (id, org_id, instance_id, kind, payload, actor, author, hlc)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    [op.id, orgId, instanceId, op.kind, canonicalJson(op.payload), op.actor, op.author, op.hlc],
  );
}

export function eventRows(tx: Pick<EntityManager, 'query'>, instanceId: string): Promise<EventRow[]> {
  return tx.query('SELECT * FROM workflow_event WHERE instance_id = ? ORDER BY hlc, author, id', [
    instanceId,
  ]);
}

export async function loadEvents(
  tx: Pick<EntityManager, 'query'>,
  instanceId: string,
): Promise<WorkflowEvent[]> {
  return (await eventRows(tx, instanceId)).map(toEngineEvent);
}

/** Shared JSON Schema pieces for event payloads. */
export const schema = {
  id: { type: 'string', minLength: 1, maxLength: 128 },
  name: { type: 'string', minLength: 1, maxLength: 100 },
  data: { type: 'object' },
  assignee: { anyOf: [{ type: 'string', minLength: 1, maxLength: 128 }, { type: 'null' }] },
  text: { type: 'string', minLength: 1, maxLength: 10_000 },
} as const;
