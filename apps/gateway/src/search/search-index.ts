import type { EntityManager } from 'typeorm';
import { insertRows, queryIn } from '../database/bulk-sql.js';
import { DOCUMENT_ROWS } from '../documents/document-store.js';

export type SearchKind = 'page' | 'post';

export interface IndexedDocument {
  readonly orgId: string;
  readonly kind: SearchKind;
  readonly ref: string;
}

/** Where each kind of document keeps the text its search entry is made of. */
const SOURCES: Record<SearchKind, { table: string; key: string }> = {
  page: DOCUMENT_ROWS.wiki,
  post: DOCUMENT_ROWS.blog,
};

/** What the index holds of a document (search_doc.stale). */
const CURRENT = 0;
const OUTDATED = 1;
const ABSENT = 2;

/**
 * Marks documents whose text changed, in the projection's transaction: one
 * statement for a whole batch. SearchIndexer writes their FTS5 entries from
 * the projected rows later, and before any search. The index is local (not
 * part of the state hash) and derived from the rows, so a mark is all that
 * must commit with them. `search_doc` gives each document a stable rowid.
 */
export async function markForIndex(tx: EntityManager, docs: readonly IndexedDocument[]): Promise<void> {
  await insertRows(
    tx,
    'search_doc',
    ['org_id', 'kind', 'ref', 'stale'],
    docs.map((d) => [d.orgId, d.kind, d.ref, ABSENT]),
    `ON CONFLICT (org_id, kind, ref) DO UPDATE SET stale = CASE stale WHEN ${ABSENT} THEN ${ABSENT} ELSE ${OUTDATED} END`,
  );
}

/**
 * Brings up to `limit` marked documents' entries up to date from their rows,
 * in a few statements; returns how many it took. An entry is deleted first
 * only where the index holds one: FTS5 deletes are dear.
 */
export async function indexMarked(tx: EntityManager, limit: number): Promise<number> {
  const marked: { id: number; org_id: string; kind: SearchKind; ref: string; stale: number }[] =
    await tx.query('SELECT id, org_id, kind, ref, stale FROM search_doc WHERE stale > 0 LIMIT ?', [limit]);
  if (!marked.length) return 0;
  const texts = new Map<string, { title: string; content: string }>();
  const groups = new Map<string, { orgId: string; kind: SearchKind; refs: string[] }>();
  for (const d of marked) {
    const group = `${d.org_id}\0${d.kind}`;
    if (!groups.has(group)) groups.set(group, { orgId: d.org_id, kind: d.kind, refs: [] });
    groups.get(group)!.refs.push(d.ref);
  }
  for (const { orgId, kind, refs } of groups.values()) {
    const { table, key } = SOURCES[kind];
    const rows = await queryIn<{ ref: string; title: string; content: string }>(
      tx,
      `SELECT ${key} AS ref, title, content FROM ${table} WHERE org_id = ? AND ${key} IN (?)`,
      [orgId],
      refs,
    );
    for (const r of rows) texts.set(`${orgId}\0${kind}\0${r.ref}`, r);
  }
  const textOf = (d: (typeof marked)[number]) => texts.get(`${d.org_id}\0${d.kind}\0${d.ref}`);
  await queryIn(
    tx,
    'DELETE FROM search_index WHERE rowid IN (?)',
    [],
    marked.filter((d) => d.stale !== ABSENT).map((d) => d.id),
  );
  const present = marked.filter((d) => textOf(d));
  await insertRows(
    tx,
    'search_index',
    ['rowid', 'org_id', 'kind', 'ref', 'title', 'body'],
    present.map((d) => [d.id, d.org_id, d.kind, d.ref, textOf(d)!.title, textOf(d)!.content]),
  );
  await queryIn(
    tx,
    `UPDATE search_doc SET stale = ${CURRENT} WHERE id IN (?)`,
    [],
    present.map((d) => d.id),
  );
  // Rows gone since (a rebuild emptied their table): nothing left to find.
  await queryIn(
    tx,
    'DELETE FROM search_doc WHERE id IN (?)',
    [],
    marked.filter((d) => !textOf(d)).map((d) => d.id),
  );
  return marked.length;
}

/** Whether any document waits for its entry (read without the write lock: a hint). */
export async function anyMarked(tx: Pick<EntityManager, 'query'>): Promise<boolean> {
  const [row] = await tx.query('SELECT 1 FROM search_doc WHERE stale > 0 LIMIT 1');
  return !!row;
}

export async function clearIndex(tx: EntityManager, kind: SearchKind): Promise<void> {
  await tx.query('DELETE FROM search_index WHERE kind = ?', [kind]);
  await tx.query('DELETE FROM search_doc WHERE kind = ?', [kind]);
}
