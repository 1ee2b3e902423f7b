import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An entity's history in log order (authority checks, projections that meet
 * an op before the thing it modifies) read through one index. With only
 * (org, kind, entity), SQLite preferred the log-order index for the ORDER BY
 * and walked an organisation's whole log per lookup.
 */
export class OpEntityOrder1700000000800 implements MigrationInterface {
  name = 'OpEntityOrder1700000000800';

  async up(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX op_org_entity');
    await q.query('CREATE INDEX op_org_entity ON op (org, kind, entity, hlc, author, seq)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX op_org_entity');
    await q.query('CREATE INDEX op_org_entity ON op (org, kind, entity)');
  }
}
