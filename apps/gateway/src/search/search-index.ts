import type { EntityManager } from 'typeorm';

export type SearchKind = 'page' | 'post';

/**
 * Keeps the FTS5 index in step with the projections, in the same transaction.
 * The index is local (not part of the state hash): it is derived from the
 * projected rows, not from the log.
 */
export async function indexDocument(
  tx: EntityManager,
  doc: { orgId: string; kind: SearchKind; ref: string; title: string; body: string },
): Promise<void> {
  await tx.query('DELETE FROM search_index WHERE org_id = ? AND kind = ? AND ref = ?', [
    doc.orgId,
    doc.kind,
    doc.ref,
  ]);
  await tx.query('INSERT INTO search_index (org_id, kind, ref, title, body) VALUES (?, ?, ?, ?, ?)', [
    doc.orgId,
    doc.kind,
    doc.ref,
    doc.title,
    doc.body,
  ]);
}

export async function clearIndex(tx: EntityManager, kind: SearchKind): Promise<void> {
  await tx.query('DELETE FROM search_index WHERE kind = ?', [kind]);
}
