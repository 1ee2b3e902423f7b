import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * FTS5 tables cannot index their UNINDEXED columns, so replacing a document's
 * entry by (org, kind, ref) scanned the whole index on every write. A plain
 * table now maps (org, kind, ref) to the entry's rowid.
 */
export class SearchDoc1700000000300 implements MigrationInterface {
  name = 'SearchDoc1700000000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE search_doc (
      id INTEGER PRIMARY KEY,
      org_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      ref TEXT NOT NULL,
      UNIQUE (org_id, kind, ref)
    )`);
    await q.query(
      'INSERT OR IGNORE INTO search_doc (id, org_id, kind, ref) SELECT rowid, org_id, kind, ref FROM search_index',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE search_doc');
  }
}
