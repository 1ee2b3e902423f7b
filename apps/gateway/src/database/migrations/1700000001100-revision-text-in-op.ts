import type { MigrationInterface, QueryRunner } from 'typeorm';
import { withTexts } from '../../documents/revision-texts.js';

const COLUMNS =
  'id, org_id, doc_kind, doc_key, title, content, parents, actor, author, hlc, derived, resolves';

/** doc_revision as it was, with `content` NULL or NOT NULL. */
const createTable = (name: string, content: 'TEXT' | 'TEXT NOT NULL') => `CREATE TABLE ${name} (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  doc_kind TEXT NOT NULL,
  doc_key TEXT NOT NULL,
  title TEXT NOT NULL,
  content ${content},
  parents TEXT NOT NULL,
  actor TEXT,
  author TEXT,
  hlc TEXT NOT NULL,
  derived INTEGER NOT NULL DEFAULT 0,
  resolves INTEGER NOT NULL DEFAULT 0
)`;

/** SQLite cannot drop a NOT NULL in place: the table is copied into its new shape. */
async function reshape(
  q: QueryRunner,
  content: 'TEXT' | 'TEXT NOT NULL',
  contentExpr: string,
): Promise<void> {
  await q.query(createTable('doc_revision_next', content));
  await q.query(
    `INSERT INTO doc_revision_next (${COLUMNS}) SELECT ${COLUMNS.replace('content', contentExpr)} FROM doc_revision`,
  );
  await q.query('DROP TABLE doc_revision');
  await q.query('ALTER TABLE doc_revision_next RENAME TO doc_revision');
  await q.query('CREATE INDEX doc_revision_doc ON doc_revision (org_id, doc_kind, doc_key, hlc)');
}

/**
 * A revision that is an op keeps its text only in the op (StoredRevisionRow):
 * each wiki or blog edit, received or made here, stored its text twice.
 */
export class RevisionTextInOp1700000001100 implements MigrationInterface {
  name = 'RevisionTextInOp1700000001100';

  async up(q: QueryRunner): Promise<void> {
    await reshape(
      q,
      'TEXT',
      'CASE WHEN derived = 0 AND id IN (SELECT id FROM op) THEN NULL ELSE content END',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (;;) {
      const rows = await q.query('SELECT * FROM doc_revision WHERE content IS NULL LIMIT 1000');
      if (!rows.length) break;
      for (const r of await withTexts(q, rows))
        await q.query('UPDATE doc_revision SET content = ? WHERE id = ?', [r.content, r.id]);
    }
    await reshape(q, 'TEXT NOT NULL', 'content');
  }
}
