import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Search entries are written after the fact (SearchIndexer) instead of in
 * each projection's transaction: projections mark the documents they touch,
 * and `stale` says what the index holds of each: 0 its current text, 1 an
 * older text, 2 nothing yet.
 */
export class SearchStale1700000000900 implements MigrationInterface {
  name = 'SearchStale1700000000900';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE search_doc ADD COLUMN stale INTEGER NOT NULL DEFAULT 0');
    await q.query('CREATE INDEX search_doc_stale ON search_doc (stale) WHERE stale > 0');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX search_doc_stale');
    await q.query('ALTER TABLE search_doc DROP COLUMN stale');
  }
}
