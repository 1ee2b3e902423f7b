import { timingSafeEqual } from 'node:crypto';
import { type InviteRedemption, lwwStamp } from '@gatehouse/mesh';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Viewer } from '../../auth/viewer.js';
import { badInput, conflict, notFound } from '../../common/gatehouse-error.js';
import { newId, newSecret, sha256Hex } from '../../common/ids.js';
import { SerialQueue } from '../../common/serial-queue.js';
import { latestOp } from '../../oplog/op-row.js';
import { OpLogService } from '../../oplog/oplog.service.js';
import { DATA_SOURCE, GATEWAY_IDENTITY } from '../../oplog/tokens.js';
import { AccessService, type OrgRow } from '../../orgs/access.service.js';
import { roleAtLeast } from '../../orgs/roles.js';
import { MeshDirectory } from '../store/mesh-directory.js';
import type {
  GatewayAdmittedPayload,
  GatewayInviteCancelledPayload,
  GatewayInvitedPayload,
  GatewayRevokedPayload,
} from './admission.projection.js';

export interface GatewayInviteRow {
  id: string;
  org_id: string;
  secret_hash: string;
  created_by: string | null;
  expires_at: number;
  created_hlc: string;
  used_by: string | null;
  cancelled_stamp: string | null;
}

/**
 * Gateway admission by one-time invite. An organisation admin issues an
 * invite here; the joining gateway redeems it at this gateway over the sync
 * protocol (its peer id authenticated by the libp2p connection); this gateway
 * checks the secret and records the admission, signed, in the log.
 */
@Injectable()
export class GatewayInvitesService {
  /** Redemptions and cancellations one at a time: a secret is spent once, and not after its invite is called off. */
  private readonly redemptions = new SerialQueue();

  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(GATEWAY_IDENTITY) private readonly identity: { peerId: string },
    private readonly oplog: OpLogService,
    private readonly access: AccessService,
    private readonly directory: MeshDirectory,
  ) {}

  async create(
    viewer: Viewer | null,
    orgId: string,
    validForHours: number,
  ): Promise<{ org: OrgRow; inviteId: string; secret: string; expiresAt: number }> {
    const { org } = await this.access.require(viewer, orgId, 'admin');
    if (org.parent_id !== null)
      throw badInput('gateways are invited to a whole organisation, not a department');
    if (await this.directory.selfRevoked(org.id))
      throw conflict('this gateway was revoked from the organisation: it can no longer admit others');
    if (!Number.isInteger(validForHours) || validForHours < 1 || validForHours > 24 * 30) {
      throw badInput('invalid invite', [{ field: 'validForHours', message: '1 hour to 30 days' }]);
    }
    const secret = newSecret();
    const payload: GatewayInvitedPayload = {
      inviteId: newId(),
      secretHash: sha256Hex(secret),
      expiresAt: Date.now() + validForHours * 3600_000,
    };
    await this.oplog.append([
      {
        org: org.id,
        actor: viewer!.accountId,
        kind: 'gateway.invited',
        entity: payload.inviteId,
        payload: { ...payload },
      },
    ]);
    return { org, inviteId: payload.inviteId, secret, expiresAt: payload.expiresAt };
  }

  /** Checks a redemption and, if it holds, records the admission of the redeeming gateway. */
  redeem(request: InviteRedemption): Promise<'admitted' | 'invalid'> {
    return this.redemptions.run(async () => {
      const [invite]: GatewayInviteRow[] = await this.db.query(
        'SELECT * FROM gateway_invite WHERE id = ? AND org_id = ?',
        [request.invite, request.org],
      );
      if (!invite) return 'invalid';
      // Only the gateway that issued an invite redeems it: every co-host holds the invite's row, and
      // one cut off from the issuer would not see the first redemption, so a code would work once each.
      const issued = await latestOp(this.db, request.org, 'gateway.invited', invite.id);
      if (issued?.author !== this.identity.peerId) return 'invalid';
      if (await this.directory.selfRevoked(request.org)) return 'invalid';
      const [admission]: { status: string; stamp: string }[] = await this.db.query(
        'SELECT status, stamp FROM gateway_admission WHERE org_id = ? AND peer_id = ?',
        [request.org, request.peer],
      );
      // A retry after a lost reply: the same gateway, already admitted through this invite.
      if (invite.used_by === request.peer && admission?.status === 'admitted') return 'admitted';
      if (invite.used_by || invite.cancelled_stamp || invite.expires_at < Date.now()) return 'invalid';
      // A revocation outlives the invites issued before it: only a later one admits the gateway again.
      if (admission?.status === 'revoked' && admission.stamp > lwwStamp(issued)) return 'invalid';
      const given = Buffer.from(sha256Hex(request.secret), 'hex');
      const expected = Buffer.from(invite.secret_hash, 'hex');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
      // The admission is the inviting admin's act: it needs the admin role still.
      const org = await this.access.org(request.org);
      if (!org || !invite.created_by) return 'invalid';
      if (!roleAtLeast(await this.access.roleIn(invite.created_by, org), 'admin')) return 'invalid';
      const payload: GatewayAdmittedPayload = { peerId: request.peer, inviteId: invite.id };
      await this.oplog.append([
        {
          org: org.id,
          actor: invite.created_by,
          kind: 'gateway.admitted',
          entity: request.peer,
          payload: { ...payload },
        },
      ]);
      return 'admitted';
    });
  }

  /** The organisation's gateway invites, newest first (admins). */
  async list(viewer: Viewer | null, orgId: string): Promise<GatewayInviteRow[]> {
    const org = await this.wholeOrganisation(viewer, orgId);
    return this.db.query('SELECT * FROM gateway_invite WHERE org_id = ? ORDER BY created_hlc DESC, id', [
      org.id,
    ]);
  }

  /**
   * Calls off an invite nobody used yet (admins), on any gateway that holds
   * it: the issuer refuses the code once it holds the cancellation. One the
   * issuer redeemed before it heard of it stays used, as member invites do:
   * that gateway is revoked like any other.
   */
  async cancel(viewer: Viewer | null, orgId: string, inviteId: string): Promise<void> {
    const org = await this.wholeOrganisation(viewer, orgId);
    // In the redemptions' queue: a redemption checked before the cancellation cannot write after it.
    await this.redemptions.run(async () => {
      const [invite]: GatewayInviteRow[] = await this.db.query(
        'SELECT * FROM gateway_invite WHERE id = ? AND org_id = ?',
        [inviteId, org.id],
      );
      if (!invite) throw notFound(`gateway invite ${inviteId}`);
      if (invite.cancelled_stamp) return;
      if (invite.used_by)
        throw conflict('this invite was used already: revoke the gateway it admitted instead');
      const payload: GatewayInviteCancelledPayload = { inviteId };
      await this.oplog.append([
        {
          org: org.id,
          actor: viewer!.accountId,
          kind: 'gateway.inviteCancelled',
          entity: inviteId,
          payload: { ...payload },
        },
      ]);
    });
  }

  async revoke(viewer: Viewer | null, orgId: string, peerId: string): Promise<void> {
    const { org } = await this.access.require(viewer, orgId, 'admin');
    if (org.parent_id !== null)
      throw badInput('gateways are admitted to a whole organisation, not a department');
    if (peerId === this.identity.peerId)
      throw conflict('a gateway cannot revoke itself; revoke it from another gateway');
    if (!(await this.directory.mayReplicate(org.id, peerId)))
      throw conflict('that gateway is not admitted to this organisation (or was revoked already)');
    const payload: GatewayRevokedPayload = { peerId };
    await this.oplog.append([
      {
        org: org.id,
        actor: viewer!.accountId,
        kind: 'gateway.revoked',
        entity: peerId,
        payload: { ...payload },
      },
    ]);
  }

  /** An organisation (not a department) `viewer` is an admin of: gateways host whole organisations. */
  private async wholeOrganisation(viewer: Viewer | null, orgId: string): Promise<OrgRow> {
    const { org } = await this.access.require(viewer, orgId, 'admin');
    if (org.parent_id !== null)
      throw badInput('gateway invites belong to a whole organisation, not a department');
    return org;
  }
}
