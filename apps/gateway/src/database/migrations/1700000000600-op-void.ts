import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Void ops: authentic links of an author's hash chain whose authority the log
 * does not grant as of their place in the order (an actor demoted, a gateway
 * revoked, while the author did not know yet). They are kept apart from
 * `op`, which holds the effective log every projection reads, and never
 * applied. `op_chain` is both together: what sync and the chain checks see.
 */
export class OpVoid1700000000600 implements MigrationInterface {
  name = 'OpVoid1700000000600';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE op_void (
      id TEXT PRIMARY KEY,
      org TEXT NOT NULL,
      author TEXT NOT NULL,
      seq INTEGER NOT NULL,
      hlc TEXT NOT NULL,
      kind TEXT NOT NULL,
      entity TEXT NOT NULL,
      body BLOB NOT NULL,
      sig BLOB NOT NULL,
      received_at INTEGER NOT NULL,
      sig_verified INTEGER NOT NULL DEFAULT 0,
      void_reason TEXT NOT NULL,
      UNIQUE (org, author, seq)
    )`);
    await q.query('CREATE INDEX op_void_org_order ON op_void (org, hlc, author, seq)');
    await q.query(`CREATE VIEW op_chain AS
      SELECT id, org, author, seq, hlc, kind, entity, body, sig, received_at, sig_verified, NULL AS void_reason FROM op
      UNION ALL
      SELECT id, org, author, seq, hlc, kind, entity, body, sig, received_at, sig_verified, void_reason FROM op_void`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP VIEW op_chain');
    await q.query('DROP TABLE op_void');
  }
}
