import type { EntityManager } from 'typeorm';

export type SearchKind = 'page' | 'post';

/**
 * Keeps the FTS5 index in step with the projections, in the same transaction.
 * The index is local (not part of the state hash): it is derived from the
 * projected rows, not from the log. `search_doc` gives each document a
 * stable rowid, so replacing its entry touches one row instead of scanning.
 */
export async function indexDocument(
  tx: EntityManager,
  doc: { orgId: string; kind: SearchKind; ref: string; title: string; body: string },
): Promise<void> {
  // (TypeORM runs INSERTs without returning rows, so the id is read back.)
  await tx.query(
    'INSERT INTO search_doc (org_id, kind, ref) VALUES (?, ?, ?) ON CONFLICT (org_id, kind, ref) DO NOTHING',
    [doc.orgId, doc.kind, doc.ref],
  );
  const [{ id }] = await tx.query('SELECT id FROM search_doc WHERE org_id = ? AND kind = ? AND ref = ?', [
    doc.orgId,
    doc.kind,
    doc.ref,
  ]);
  await tx.query('DELETE FROM search_index WHERE rowid = ?', [id]);
  await tx.query(
    'INSERT INTO search_index (rowid, org_id, kind, ref, title, body) VALUES (?, ?, ?, ?, ?, ?)',
    [id, doc.orgId, doc.kind, doc.ref, doc.title, doc.body],
  );
}

export async function clearIndex(tx: EntityManager, kind: SearchKind): Promise<void> {
  await tx.query('DELETE FROM search_index WHERE kind = ?', [kind]);
  await tx.query('DELETE FROM search_doc WHERE kind = ?', [kind]);
}
