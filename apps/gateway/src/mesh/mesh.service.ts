import { type GatewayIdentity, SyncProtocolError, type SyncState, withPeerId } from '@gatehouse/mesh';
import { Inject, Injectable } from '@nestjs/common';
import type { Viewer } from '../auth/viewer.js';
import { badInput, conflict, forbidden, unauthenticated } from '../common/gatehouse-error.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import { OpLogService } from '../oplog/oplog.service.js';
import { GATEWAY_IDENTITY } from '../oplog/tokens.js';
import { AccessService } from '../orgs/access.service.js';
import { GatewayInvitesService } from './admission/gateway-invites.service.js';
import { decodeInviteCode, encodeInviteCode, InvalidInviteCodeError } from './admission/invite-code.util.js';
import { MeshNodeService } from './node/mesh-node.service.js';
import { type AdmittedGatewayRow, MeshDirectory } from './store/mesh-directory.js';

/** How long joinOrganization waits for the first pull before answering (large logs keep coming after). */
const JOIN_WAIT_MS = 20_000;

/** Inviting, joining and revoking gateways, and what the mesh looks like from here. */
@Injectable()
export class MeshService {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(GATEWAY_IDENTITY) private readonly identity: GatewayIdentity,
    private readonly node: MeshNodeService,
    private readonly invites: GatewayInvitesService,
    private readonly directory: MeshDirectory,
    private readonly access: AccessService,
    private readonly oplog: OpLogService,
  ) {}

  get peerId(): string {
    return this.identity.peerId;
  }

  private requireOperator(viewer: Viewer | null): Viewer {
    if (!viewer) throw unauthenticated();
    if (!viewer.isOperator) throw forbidden("this needs the gateway operator's account");
    return viewer;
  }

  /** An admin of the organisation invites another gateway; the code carries our addresses. */
  async inviteGateway(viewer: Viewer | null, orgId: string, validForHours: number) {
    if (!viewer) throw unauthenticated();
    const addrs = this.node.addresses();
    if (!addrs.length)
      throw conflict('the mesh is not running on this gateway, so no other gateway could reach it');
    const { org, inviteId, secret, expiresAt } = await this.invites.create(viewer, orgId, validForHours);
    const code = encodeInviteCode({
      org: org.id,
      invite: inviteId,
      secret,
      peer: this.identity.peerId,
      addrs,
    });
    return { code, inviteId, expiresAt: new Date(expiresAt) };
  }

  /** The operator joins this gateway to an organisation with an invite from one that hosts it. */
  async joinOrganization(viewer: Viewer | null, rawCode: string) {
    this.requireOperator(viewer);
    let code: ReturnType<typeof decodeInviteCode>;
    try {
      code = decodeInviteCode(rawCode);
    } catch (err) {
      if (err instanceof InvalidInviteCodeError)
        throw badInput(err.message, [{ field: 'code', message: err.message }]);
      throw err;
    }
    if (code.peer === this.identity.peerId) throw badInput('this invite was issued by this very gateway');
    const sync = this.node.sync;
    try {
      const inviter = await sync.join(
        code.addrs.map((a) => withPeerId(a, code.peer)),
        { org: code.org, invite: code.invite, secret: code.secret },
      );
      if (inviter.toString() !== code.peer)
        throw conflict('a different gateway answered at the invite address');
    } catch (err) {
      if (err instanceof SyncProtocolError && err.code === 'invalid-invite')
        throw conflict(
          'the invite is unknown, used, cancelled or expired, its issuer is no longer an admin, or this gateway was revoked since it was issued',
        );
      if (err instanceof SyncProtocolError) throw conflict(`the inviting gateway refused: ${err.message}`);
      if (err instanceof Error && err.name === 'GatehouseError') throw err;
      throw conflict(`could not reach the inviting gateway: ${(err as Error).message}`);
    }
    await this.directory.recordJoin(code.org, code.peer, code.addrs);
    await this.node.keep(code.peer, code.addrs);
    // Answer once the first pull is done, or after a while with what arrived so far (it goes on).
    const complete = await settlesWithin(sync.requestPull(code.peer, code.org), JOIN_WAIT_MS);
    return { orgId: code.org, viaPeerId: code.peer, ops: await this.oplog.opCount(code.org), complete };
  }

  async revokeGateway(viewer: Viewer | null, orgId: string, peerId: string): Promise<void> {
    await this.invites.revoke(viewer, orgId, peerId);
  }

  async gateways(
    viewer: Viewer | null,
    orgId: string,
  ): Promise<{ row: AdmittedGatewayRow | null; peer: string; creator: boolean }[]> {
    // The operator sees every organisation's gateways, whether or not a member of it.
    const root = viewer?.isOperator
      ? ((await this.access.org(orgId))?.root_id ?? orgId)
      : (await this.access.require(viewer, orgId, 'viewer')).org.root_id;
    const rows = await this.directory.gateways(root);
    const creator = await this.directory.creator(root);
    const out: { row: AdmittedGatewayRow | null; peer: string; creator: boolean }[] = rows.map((row) => ({
      row,
      peer: row.peer_id,
      creator: row.peer_id === creator,
    }));
    if (creator && !rows.some((r) => r.peer_id === creator))
      out.unshift({ row: null, peer: creator, creator: true });
    return out;
  }

  connected(peer: string): boolean {
    return this.node.running && this.node.sync.connectedPeers().includes(peer);
  }

  /** Sync state per organisation and peer: the operator sees all, an organisation's admins see theirs. */
  async syncStates(viewer: Viewer | null, orgId?: string | null): Promise<SyncState[]> {
    if (!viewer) throw unauthenticated();
    if (orgId) {
      // A department's admins see the sync of the log it is part of.
      const root = viewer.isOperator
        ? ((await this.access.org(orgId))?.root_id ?? orgId)
        : (await this.access.require(viewer, orgId, 'admin')).org.root_id;
      return this.node.running ? this.node.sync.syncStates({ org: root }) : [];
    }
    this.requireOperator(viewer);
    return this.node.running ? this.node.sync.syncStates() : [];
  }

  /** For every logged-in member: region, live connections, and the organisation's last sync. */
  async connectivity(viewer: Viewer | null, orgId: string | null) {
    if (!viewer) throw unauthenticated();
    const root = orgId ? (await this.access.require(viewer, orgId, 'viewer')).org.root_id : null;
    const connections = this.node.libp2p?.getConnections() ?? [];
    const synced = root && this.node.running ? this.node.sync.syncStates({ org: root }) : [];
    // What this run of the mesh saw, or what an earlier one wrote down (the mesh may be stopped).
    const remembered = root ? ((await this.directory.lastSynced(root)) ?? 0) : 0;
    const last = Math.max(remembered, ...synced.map((s) => s.lastSuccessAt ?? 0));
    return {
      region: this.config.region,
      running: this.node.running,
      peersConnected: new Set(connections.map((c) => c.remotePeer.toString())).size,
      relayedConnections: connections.filter((c) => c.remoteAddr.toString().includes('/p2p-circuit')).length,
      orgLastSyncedAt: last ? new Date(last) : null,
    };
  }

  async status(viewer: Viewer | null) {
    this.requireOperator(viewer);
    const libp2p = this.node.libp2p;
    const now = Date.now();
    const forks = await this.oplog.forkEvidence();
    return {
      peerId: this.identity.peerId,
      region: this.config.region,
      running: !!libp2p,
      addresses: this.node.addresses(),
      connections: (libp2p?.getConnections() ?? []).map((c) => ({
        peerId: c.remotePeer.toString(),
        remoteAddress: c.remoteAddr.toString(),
        direction: c.direction,
        relayed: c.remoteAddr.toString().includes('/p2p-circuit'),
      })),
      banned: this.node.scores
        .all()
        .filter((s) => s.bannedUntil && s.bannedUntil > now)
        .map((s) => ({ peerId: s.peer, until: new Date(s.bannedUntil!) })),
      forks: forks.map((f) => ({
        orgId: f.org,
        author: f.author,
        seq: f.seq,
        heldOpId: f.held_id,
        otherOpId: f.other_id,
        seenAt: new Date(f.seen_at),
      })),
    };
  }
}

/** Whether `work` is done within `ms`. The timer is cleared either way: it must not hold the process open. */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeUp = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true), timeUp]);
  } finally {
    clearTimeout(timer);
  }
}
