import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Workflow inboxes list an item for a member only if they can move it on
 * now (conditions included) and hold one of the state's assignee roles.
 * Each item row keeps what that takes (apps/gateway/src/workflows/
 * workflow-inbox.util.ts). Rows written before this migration get a safe
 * stand-in: every role of the transitions leaving their state, marked
 * inexact, so the inbox asks the engine for them until they next change
 * (or `gatehouse rebuild` recomputes them).
 */
export class WorkflowInbox1700000000500 implements MigrationInterface {
  name = 'WorkflowInbox1700000000500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE workflow_item ADD COLUMN ready_roles TEXT NOT NULL DEFAULT '[]'`);
    await q.query('ALTER TABLE workflow_item ADD COLUMN ready_exact INTEGER NOT NULL DEFAULT 1');
    await q.query(`ALTER TABLE workflow_item ADD COLUMN assignee_roles TEXT NOT NULL DEFAULT '[]'`);
    await q.query('UPDATE workflow_item SET ready_roles = waiting_roles, ready_exact = 0');
  }

  async down(q: QueryRunner): Promise<void> {
    for (const column of ['assignee_roles', 'ready_exact', 'ready_roles'])
      await q.query(`ALTER TABLE workflow_item DROP COLUMN ${column}`);
  }
}
