import { type Queryable, queryIn } from '../database/bulk-sql.js';
import { type OpRow, opFromRow } from '../oplog/op-row.js';
import type { RevisionRow } from './document-store.js';

/**
 * A doc_revision row as stored. The text of a revision that is an op (not
 * derived) is left NULL: it lives in that op's body, which the log keeps
 * anyway, and storing it twice made up a third of the database. Only
 * derived merge revisions, which no op carries, store their text.
 */
export type StoredRevisionRow = Omit<RevisionRow, 'content'> & { content: string | null };

/** The text an op-backed revision has: the `content` of its op's payload (wiki and blog revisions alike). */
const textOf = (row: Pick<OpRow, 'body' | 'sig'>): string =>
  (opFromRow(row as OpRow).payload as { content: string }).content;

/** `rows` with every text filled in: one read of the log for those left to their ops. */
export async function withTexts(db: Queryable, rows: readonly StoredRevisionRow[]): Promise<RevisionRow[]> {
  const missing = rows.filter((r) => r.content === null).map((r) => r.id);
  const texts = new Map<string, string>();
  if (missing.length) {
    const ops = await queryIn<Pick<OpRow, 'id' | 'body' | 'sig'>>(
      db,
      // op_chain: a read racing a rebuild may find the op moved to op_void for a moment.
      'SELECT id, body, sig FROM op_chain WHERE id IN (?)',
      [],
      missing,
    );
    for (const op of ops) texts.set(op.id, textOf(op));
  }
  return rows.map((r) => {
    if (r.content !== null) return r as RevisionRow;
    const content = texts.get(r.id);
    // The log holds every op a projection applied; a rebuild follows any op it voids.
    if (content === undefined) throw new Error(`revision ${r.id} has no op in the log`);
    return { ...r, content };
  });
}
