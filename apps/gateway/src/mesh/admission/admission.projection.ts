import { lwwStamp, type Op } from '@gatehouse/mesh';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type OpRow, opFromRow } from '../../oplog/op-row.js';
import { OpRejectedError, type Projection } from '../../oplog/projection.js';
import { ProjectionRegistry } from '../../oplog/projection-registry.js';

const id = { type: 'string', minLength: 1, maxLength: 128 } as const;
/** Base58btc Ed25519 peer ids (12D3KooW...). */
const peerId = { type: 'string', pattern: '^[1-9A-HJ-NP-Za-km-z]{40,64}$' } as const;

export interface GatewayInvitedPayload {
  inviteId: string;
  secretHash: string;
  expiresAt: number;
}
export interface GatewayAdmittedPayload {
  peerId: string;
  inviteId: string;
}
export interface GatewayRevokedPayload {
  peerId: string;
}
export interface GatewayInviteCancelledPayload {
  inviteId: string;
}

export const ADMISSION_KINDS = [
  'gateway.invited',
  'gateway.inviteCancelled',
  'gateway.admitted',
  'gateway.revoked',
] as const;

/**
 * Which gateways may hold and write an organisation's log. Ops in the
 * organisation's own log: `gateway.invited` (an admin issued a one-time
 * invite), `gateway.inviteCancelled` (an admin called an unused invite
 * off: its issuer refuses the code once it holds this), `gateway.admitted` (the
 * inviting gateway checked the secret and admits the redeeming gateway's
 * peer id), `gateway.revoked` (an admin shut a gateway out). Admission is
 * last-writer-wins per (organisation, gateway).
 */
@Injectable()
export class AdmissionProjection implements Projection, OnModuleInit {
  readonly name = 'admission';
  readonly payloadSchemas = {
    'gateway.invited': {
      type: 'object',
      additionalProperties: false,
      required: ['inviteId', 'secretHash', 'expiresAt'],
      properties: {
        inviteId: id,
        secretHash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
        expiresAt: { type: 'integer', minimum: 0 },
      },
    },
    'gateway.inviteCancelled': {
      type: 'object',
      additionalProperties: false,
      required: ['inviteId'],
      properties: { inviteId: id },
    },
    'gateway.admitted': {
      type: 'object',
      additionalProperties: false,
      required: ['peerId', 'inviteId'],
      properties: { peerId, inviteId: id },
    },
    'gateway.revoked': {
      type: 'object',
      additionalProperties: false,
      required: ['peerId'],
      properties: { peerId },
    },
  };

  constructor(private readonly registry: ProjectionRegistry) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async apply(tx: EntityManager, op: Op): Promise<void> {
    const stamp = lwwStamp(op);
    switch (op.kind) {
      case 'gateway.invited': {
        const p = op.payload as unknown as GatewayInvitedPayload;
        if (op.entity !== p.inviteId) throw new OpRejectedError(op.id, 'entity must be the invite id');
        await tx.query(
          `INSERT INTO gateway_invite (id, org_id, secret_hash, created_by, expires_at, created_hlc) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO NOTHING`,
          [p.inviteId, op.org, p.secretHash, op.actor, p.expiresAt, op.hlc],
        );
        // Admissions through this invite may have arrived first: the log holds them.
        const rows: OpRow[] = await tx.query(`SELECT * FROM op WHERE org = ? AND kind = 'gateway.admitted'`, [
          op.org,
        ]);
        for (const admitted of rows.map(opFromRow)) {
          const a = admitted.payload as unknown as GatewayAdmittedPayload;
          if (a.inviteId === p.inviteId)
            await this.markUsed(tx, op.org, p.inviteId, a.peerId, lwwStamp(admitted));
        }
        // And its cancellation.
        const cancellations: OpRow[] = await tx.query(
          `SELECT * FROM op WHERE org = ? AND kind = 'gateway.inviteCancelled' AND entity = ?`,
          [op.org, p.inviteId],
        );
        for (const cancelled of cancellations.map(opFromRow))
          await this.markCancelled(tx, op.org, p.inviteId, lwwStamp(cancelled));
        return;
      }
      case 'gateway.inviteCancelled': {
        const p = op.payload as unknown as GatewayInviteCancelledPayload;
        if (op.entity !== p.inviteId) throw new OpRejectedError(op.id, 'entity must be the invite id');
        await this.markCancelled(tx, op.org, p.inviteId, stamp);
        return;
      }
      case 'gateway.admitted': {
        const p = op.payload as unknown as GatewayAdmittedPayload;
        if (op.entity !== p.peerId) throw new OpRejectedError(op.id, 'entity must be the admitted peer id');
        await this.setStatus(tx, op, p.peerId, 'admitted', p.inviteId, stamp);
        await this.markUsed(tx, op.org, p.inviteId, p.peerId, stamp);
        return;
      }
      case 'gateway.revoked': {
        const p = op.payload as unknown as GatewayRevokedPayload;
        if (op.entity !== p.peerId) throw new OpRejectedError(op.id, 'entity must be the revoked peer id');
        await this.setStatus(tx, op, p.peerId, 'revoked', null, stamp);
        return;
      }
    }
  }

  private setStatus(
    tx: EntityManager,
    op: Op,
    peer: string,
    status: string,
    invite: string | null,
    stamp: string,
  ) {
    return tx.query(
      `INSERT INTO gateway_admission (org_id, peer_id, status, invite_id, actor, stamp) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (org_id, peer_id) DO UPDATE SET status = excluded.status, invite_id = excluded.invite_id,
         actor = excluded.actor, stamp = excluded.stamp
       WHERE excluded.stamp > gateway_admission.stamp`,
      [op.org, peer, status, invite, op.actor, stamp],
    );
  }

  /** The first admission (in log order) through an invite uses it up, on every gateway alike. */
  private markUsed(tx: EntityManager, org: string, invite: string, peer: string, stamp: string) {
    return tx.query(
      `UPDATE gateway_invite SET used_by = ?, used_stamp = ?
       WHERE id = ? AND org_id = ? AND (used_stamp IS NULL OR used_stamp > ?)`,
      [peer, stamp, invite, org, stamp],
    );
  }

  /** The first cancellation (in log order) is the one the invite shows, on every gateway alike. */
  private markCancelled(tx: EntityManager, org: string, invite: string, stamp: string) {
    return tx.query(
      `UPDATE gateway_invite SET cancelled_stamp = ?
       WHERE id = ? AND org_id = ? AND (cancelled_stamp IS NULL OR cancelled_stamp > ?)`,
      [stamp, invite, org, stamp],
    );
  }

  async stateRows(tx: EntityManager, rootOrg: string): Promise<unknown[]> {
    return [
      await tx.query(
        `SELECT id, secret_hash, created_by, expires_at, created_hlc, used_by, used_stamp, cancelled_stamp FROM gateway_invite
         WHERE org_id = ? ORDER BY id`,
        [rootOrg],
      ),
      await tx.query(
        'SELECT peer_id, status, invite_id, actor, stamp FROM gateway_admission WHERE org_id = ? ORDER BY peer_id',
        [rootOrg],
      ),
    ];
  }

  async clear(tx: EntityManager): Promise<void> {
    await tx.query('DELETE FROM gateway_admission');
    await tx.query('DELETE FROM gateway_invite');
  }
}
