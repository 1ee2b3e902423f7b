import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { conflict } from '../../common/gatehouse-error.js';
import { OpLogService } from '../../oplog/oplog.service.js';
import { GATEWAY_IDENTITY } from '../../oplog/tokens.js';

/**
 * Once revoked from an organisation (peers serve it the log up to its
 * revocation), a gateway writes nothing more to it: every peer would keep
 * the op void, and so would a rebuild here. Checked inside the write's own
 * transaction, once per organisation.
 */
@Injectable()
export class RevokedWriteGuard implements OnModuleInit {
  constructor(
    private readonly oplog: OpLogService,
    @Inject(GATEWAY_IDENTITY) private readonly identity: { peerId: string },
  ) {}

  onModuleInit(): void {
    this.oplog.guardWrites((tx, org) => this.refuseIfRevoked(tx, org));
  }

  private async refuseIfRevoked(tx: EntityManager, org: string): Promise<void> {
    const [revoked] = await tx.query(
      `SELECT 1 FROM gateway_admission WHERE org_id = ? AND peer_id = ? AND status = 'revoked'`,
      [org, this.identity.peerId],
    );
    if (revoked) throw conflict('this gateway was revoked from the organisation: its copy is read-only');
  }
}
