import type { Op } from '@gatehouse/mesh';
import type { EntityManager } from 'typeorm';
import { OpRejectedError } from '../oplog/projection.js';

/**
 * Refuses an op that writes into an organisation (or department) held by
 * another organisation's log: a peer must not reach across logs.
 */
export async function assertOrgInLog(tx: EntityManager, op: Op, orgId: string): Promise<void> {
  const [org] = await tx.query('SELECT root_id FROM org WHERE id = ?', [orgId]);
  if (org && org.root_id !== op.org)
    throw new OpRejectedError(op.id, `organisation ${orgId} belongs to another log`);
}
