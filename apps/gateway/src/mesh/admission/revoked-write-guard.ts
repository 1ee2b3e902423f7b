import { Injectable, type OnModuleInit } from '@nestjs/common';
import { conflict } from '../../common/gatehouse-error.js';
import { OpLogService } from '../../oplog/oplog.service.js';
import { MeshDirectory } from '../store/mesh-directory.js';

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
    private readonly directory: MeshDirectory,
  ) {}

  onModuleInit(): void {
    this.oplog.guardWrites(async (tx, org) => {
      if (await this.directory.selfRevoked(org, tx))
        throw conflict('this gateway was revoked from the organisation: its copy is read-only');
    });
  }
}
