import type { INestApplicationContext } from '@nestjs/common';
import { Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../oplog/tokens.js';
import { OrgsModule } from '../orgs/orgs.module.js';
import { AdmissionProjection } from './admission/admission.projection.js';
import { GatewayInvitesResolver } from './admission/gateway-invites.resolver.js';
import { GatewayInvitesService } from './admission/gateway-invites.service.js';
import { RevokedWriteGuard } from './admission/revoked-write-guard.js';
import { MeshResolver } from './mesh.resolver.js';
import { MeshService } from './mesh.service.js';
import { MeshMetrics } from './node/mesh-metrics.js';
import { MeshNodeService } from './node/mesh-node.service.js';
import { GatewayOpStore } from './store/gateway-op-store.js';
import { MeshDirectory } from './store/mesh-directory.js';

/**
 * Replication between gateways: the libp2p node and sync protocol over this
 * gateway's op log, gateway admission (invite, cancel, join, revoke) and authority
 * checks on received ops, sync state over GraphQL and /metrics.
 */
@Module({
  imports: [OrgsModule],
  providers: [
    AdmissionProjection,
    GatewayInvitesService,
    GatewayInvitesResolver,
    RevokedWriteGuard,
    MeshDirectory,
    MeshMetrics,
    GatewayOpStore,
    MeshNodeService,
    MeshService,
    MeshResolver,
  ],
  exports: [MeshNodeService, MeshService],
})
export class MeshModule {}

/** Starts the gateway's libp2p node; one-shot commands (backup, schema...) never call it. */
export async function startMesh(app: INestApplicationContext): Promise<void> {
  // A reconciliation cut short last time is finished before any sync (not in CLI commands:
  // `gatehouse backup` runs beside a live gateway).
  await app
    .get(GatewayOpStore)
    .settleOwedReconciliation()
    .catch((err) =>
      app.get<Logger>(LOGGER).error({ err }, 'owed authority reconciliation failed; still owed'),
    );
  await app.get(MeshNodeService).start();
}
