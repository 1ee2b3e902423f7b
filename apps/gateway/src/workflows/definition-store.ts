import type { WorkflowDefinition } from '@gatehouse/workflow';

export interface VersionRow {
  id: string;
  org_id: string;
  workflow_id: string;
  key: string;
  version: number;
  name: string;
  definition: string;
  start_roles: string;
  published_by: string | null;
  published_hlc: string;
  stamp: string;
}

function freeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) freeze(child);
  }
  return value;
}

const MAX_CACHED = 256;
const cache = new Map<string, WorkflowDefinition>();

/**
 * The parsed definition of a version row. Cached by (id, stamp) so that the
 * engine's compiled-form cache, keyed by the form object, keeps hitting.
 */
export function definitionOf(row: Pick<VersionRow, 'id' | 'stamp' | 'definition'>): WorkflowDefinition {
  const key = `${row.id}\0${row.stamp}`;
  let def = cache.get(key);
  if (def) {
    cache.delete(key);
  } else {
    def = freeze(JSON.parse(row.definition) as WorkflowDefinition);
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
  }
  cache.set(key, def);
  return def;
}

export async function versionRow(
  tx: { query: (sql: string, params?: unknown[]) => Promise<VersionRow[]> },
  versionId: string,
): Promise<VersionRow | null> {
  const [row] = await tx.query('SELECT * FROM workflow_version WHERE id = ?', [versionId]);
  return row ?? null;
}
