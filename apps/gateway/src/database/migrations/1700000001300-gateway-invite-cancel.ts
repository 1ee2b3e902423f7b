import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A gateway invite can be cancelled before it is used (`gateway.inviteCancelled`):
 * the place of its first cancellation in the log, as a last-writer-wins stamp.
 * No log held before this version has such an op, so nothing to fill.
 */
export class GatewayInviteCancel1700000001300 implements MigrationInterface {
  name = 'GatewayInviteCancel1700000001300';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE gateway_invite ADD COLUMN cancelled_stamp TEXT');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE gateway_invite DROP COLUMN cancelled_stamp');
  }
}
