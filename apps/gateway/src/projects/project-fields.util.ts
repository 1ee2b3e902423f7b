/**
 * Fields of projects, milestones and tasks, last writer wins per field: two
 * members editing different fields of a task while apart both keep their
 * edit. Rows are then materialised from an entity's fields.
 */
import { canonicalJson } from '@gatehouse/workflow';
import type { EntityManager } from 'typeorm';

/** Written by the creating op: what the entity belongs to and when it was made. */
export interface Created {
  orgId: string;
  projectId?: string;
  versionId?: string;
  hlc: string;
  actor: string | null;
}

export async function writeFields(
  tx: EntityManager,
  entityId: string,
  fields: Record<string, unknown>,
  stamp: string,
): Promise<void> {
  for (const [field, value] of Object.entries(fields)) {
    await tx.query(
      `INSERT INTO project_field (entity_id, field, value, stamp) VALUES (?, ?, ?, ?)
       ON CONFLICT (entity_id, field) DO UPDATE SET value = excluded.value, stamp = excluded.stamp
       WHERE excluded.stamp > project_field.stamp`,
      [entityId, field, canonicalJson(value), stamp],
    );
  }
}

export interface Fields {
  readonly values: Record<string, unknown>;
  /** HLC of the newest field write. */
  readonly updatedHlc: string;
}

export async function readFields(tx: EntityManager, entityId: string): Promise<Fields> {
  const rows: { field: string; value: string; stamp: string }[] = await tx.query(
    'SELECT field, value, stamp FROM project_field WHERE entity_id = ?',
    [entityId],
  );
  const values: Record<string, unknown> = {};
  let updatedHlc = '';
  for (const r of rows) {
    values[r.field] = JSON.parse(r.value);
    const hlc = r.stamp.split('/')[0];
    if (hlc > updatedHlc) updatedHlc = hlc;
  }
  return { values, updatedHlc };
}
