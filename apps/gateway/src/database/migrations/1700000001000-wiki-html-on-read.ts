import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Wiki pages no longer store their HTML: it is rendered when read, once per
 * text (WikiService), so replicating edits nobody reads renders nothing.
 */
export class WikiHtmlOnRead1700000001000 implements MigrationInterface {
  name = 'WikiHtmlOnRead1700000001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE wiki_page DROP COLUMN html');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE wiki_page ADD COLUMN html TEXT NOT NULL DEFAULT ''`);
  }
}
