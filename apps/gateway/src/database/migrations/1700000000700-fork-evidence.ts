import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Evidence of misbehaving gateways: a second op signed by an author for a
 * (org, seq) it had already used. The op that arrived first stays in the
 * log; the other is kept here, with its author's valid signature, for the
 * operators. Local to this gateway, never replicated.
 */
export class ForkEvidence1700000000700 implements MigrationInterface {
  name = 'ForkEvidence1700000000700';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE fork_evidence (
      other_id TEXT PRIMARY KEY,
      org TEXT NOT NULL,
      author TEXT NOT NULL,
      seq INTEGER NOT NULL,
      held_id TEXT NOT NULL,
      other_body BLOB NOT NULL,
      other_sig BLOB NOT NULL,
      seen_at INTEGER NOT NULL
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE fork_evidence');
  }
}
