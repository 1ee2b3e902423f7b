import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A receiver verifies one signature per run of an author's ops (the newest
 * op's), so the other signatures it stores are unchecked: `sig_verified`
 * says which ones this gateway made or verified. Only those are sent on as
 * signatures (see DESIGN.md, "Writing and receiving").
 *
 * Rows from before this column are marked unchecked: which of their
 * signatures were verified is not known. The sync server verifies one of
 * them when a batch it sends ends there, and sets the flag.
 */
export class OpSigVerified1700000000400 implements MigrationInterface {
  name = 'OpSigVerified1700000000400';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE op ADD COLUMN sig_verified INTEGER NOT NULL DEFAULT 0');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE op DROP COLUMN sig_verified');
  }
}
