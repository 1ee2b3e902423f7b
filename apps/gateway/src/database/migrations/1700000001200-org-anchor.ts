import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The creation op of each organisation log this gateway holds, as it first
 * accepted it: the log's anchor. A root `org.created` is otherwise judged by
 * its place in the log order, which its author chooses: a creation backdated
 * by any key a peer relays would take the organisation over. Local to this
 * gateway, never replicated. Filled from the logs held (each one's first
 * creation) and, later, by OrgsProjection when a log's first creation is applied.
 */
export class OrgAnchor1700000001200 implements MigrationInterface {
  name = 'OrgAnchor1700000001200';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE TABLE org_anchor (org_id TEXT PRIMARY KEY, creation_id TEXT NOT NULL)');
    await q.query(`INSERT INTO org_anchor (org_id, creation_id)
      SELECT org, id FROM (
        SELECT org, id, row_number() OVER (PARTITION BY org ORDER BY hlc, author, seq) AS n
        FROM op WHERE kind = 'org.created' AND entity = org)
      WHERE n = 1`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE org_anchor');
  }
}
