import { lwwStamp, type Op } from '@gatehouse/mesh';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { latestOp } from '../oplog/op-row.js';
import { OpRejectedError, type Projection } from '../oplog/projection.js';
import { ProjectionRegistry } from '../oplog/projection-registry.js';
import { ROLES } from './roles.js';

const id = { type: 'string', minLength: 1, maxLength: 128 } as const;
const roleOrNone = { type: 'string', enum: [...ROLES, 'none'] } as const;

export interface OrgCreatedPayload {
  id: string;
  parentId: string | null;
  slug: string;
  name: string;
  description: string;
}
export interface MemberRolePayload {
  orgId: string;
  accountId: string;
  role: (typeof ROLES)[number] | 'none';
}
export interface AccountPublishedPayload {
  id: string;
  name: string;
  displayName: string;
  verifier: string;
}
export interface InviteCreatedPayload {
  inviteId: string;
  orgId: string;
  codeHash: string;
  role: (typeof ROLES)[number];
  expiresAt: number;
  maxUses: number;
}

/** Organisations, departments, memberships, invites and the accounts they carry. */
@Injectable()
export class OrgsProjection implements Projection, OnModuleInit {
  readonly name = 'orgs';
  readonly payloadSchemas = {
    'org.created': {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'parentId', 'slug', 'name', 'description'],
      properties: {
        id,
        parentId: { anyOf: [id, { type: 'null' }] },
        slug: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$' },
        name: { type: 'string', minLength: 1, maxLength: 200 },
        description: { type: 'string', maxLength: 4000 },
      },
    },
    'org.updated': {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'name', 'description'],
      properties: {
        id,
        name: { type: 'string', minLength: 1, maxLength: 200 },
        description: { type: 'string', maxLength: 4000 },
      },
    },
    'member.role': {
      type: 'object',
      additionalProperties: false,
      required: ['orgId', 'accountId', 'role'],
      properties: { orgId: id, accountId: id, role: roleOrNone },
    },
    'account.published': {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'name', 'displayName', 'verifier'],
      properties: {
        id,
        name: { type: 'string', minLength: 1, maxLength: 64 },
        displayName: { type: 'string', minLength: 1, maxLength: 200 },
        verifier: { type: 'string', minLength: 1, maxLength: 512 },
      },
    },
    'invite.created': {
      type: 'object',
      additionalProperties: false,
      required: ['inviteId', 'orgId', 'codeHash', 'role', 'expiresAt', 'maxUses'],
      properties: {
        inviteId: id,
        orgId: id,
        codeHash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
        role: { type: 'string', enum: [...ROLES] },
        expiresAt: { type: 'integer', minimum: 0 },
        maxUses: { type: 'integer', minimum: 1, maximum: 10000 },
      },
    },
    'invite.redeemed': {
      type: 'object',
      additionalProperties: false,
      required: ['inviteId', 'accountId'],
      properties: { inviteId: id, accountId: id },
    },
    'invite.revoked': {
      type: 'object',
      additionalProperties: false,
      required: ['inviteId'],
      properties: { inviteId: id },
    },
  };

  constructor(private readonly registry: ProjectionRegistry) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async apply(tx: EntityManager, op: Op): Promise<void> {
    const stamp = lwwStamp(op);
    switch (op.kind) {
      case 'org.created': {
        const p = op.payload as unknown as OrgCreatedPayload;
        const isRoot = p.parentId === null;
        if (isRoot ? p.id !== op.org : p.id === op.org)
          throw new OpRejectedError(op.id, 'org id does not match the log');
        await tx.query(
          `INSERT INTO org (id, root_id, parent_id, slug, name, description, created_by, created_hlc, stamp)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
          [p.id, op.org, p.parentId, p.slug, p.name, p.description, op.actor, op.hlc, stamp],
        );
        // The first creation applied anchors its log for good (OpJudge.judgeCreation); a rebuild keeps it.
        if (isRoot)
          await tx.query('INSERT OR IGNORE INTO org_anchor (org_id, creation_id) VALUES (?, ?)', [
            op.org,
            op.id,
          ]);
        // An update may have arrived before the organisation it updates.
        const update = await latestOp(tx, op.org, 'org.updated', p.id);
        if (update) await this.apply(tx, update);
        return;
      }
      case 'org.updated': {
        const p = op.payload as unknown as { id: string; name: string; description: string };
        await tx.query(
          'UPDATE org SET name = ?, description = ?, stamp = ? WHERE id = ? AND root_id = ? AND stamp < ?',
          [p.name, p.description, stamp, p.id, op.org, stamp],
        );
        return;
      }
      case 'member.role': {
        const p = op.payload as unknown as MemberRolePayload;
        await tx.query(
          `INSERT INTO membership (org_id, account_id, role, stamp) VALUES (?, ?, ?, ?)
           ON CONFLICT (org_id, account_id) DO UPDATE SET role = excluded.role, stamp = excluded.stamp
           WHERE excluded.stamp > membership.stamp`,
          [p.orgId, p.accountId, p.role, stamp],
        );
        return;
      }
      case 'account.published': {
        const p = op.payload as unknown as AccountPublishedPayload;
        await tx.query(
          `INSERT INTO account (id, name, display_name, verifier, stamp, created_at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET name = excluded.name, display_name = excluded.display_name,
             verifier = excluded.verifier, stamp = excluded.stamp
           WHERE excluded.stamp > account.stamp`,
          [p.id, p.name, p.displayName, p.verifier, stamp, Date.now()],
        );
        return;
      }
      case 'invite.created': {
        const p = op.payload as unknown as InviteCreatedPayload;
        // Redemptions or a revocation may have arrived first: count what the log already holds.
        await tx.query(
          `INSERT INTO invite (id, org_id, code_hash, role, created_by, expires_at, max_uses, uses, revoked)
           VALUES (?, ?, ?, ?, ?, ?, ?,
             (SELECT count(*) FROM op WHERE org = ? AND kind = 'invite.redeemed' AND entity = ?),
             (SELECT count(*) > 0 FROM op WHERE org = ? AND kind = 'invite.revoked' AND entity = ?))
           ON CONFLICT (id) DO NOTHING`,
          [
            p.inviteId,
            p.orgId,
            p.codeHash,
            p.role,
            op.actor,
            p.expiresAt,
            p.maxUses,
            op.org,
            p.inviteId,
            op.org,
            p.inviteId,
          ],
        );
        return;
      }
      case 'invite.redeemed':
        await tx.query('UPDATE invite SET uses = uses + 1 WHERE id = ?', [
          (op.payload as { inviteId: string }).inviteId,
        ]);
        return;
      case 'invite.revoked':
        await tx.query('UPDATE invite SET revoked = 1 WHERE id = ?', [
          (op.payload as { inviteId: string }).inviteId,
        ]);
        return;
    }
  }

  async stateRows(tx: EntityManager, rootOrg: string): Promise<unknown[]> {
    return [
      await tx.query(
        'SELECT id, parent_id, slug, name, description, created_by, created_hlc, stamp FROM org WHERE root_id = ? ORDER BY id',
        [rootOrg],
      ),
      await tx.query(
        `SELECT m.org_id, m.account_id, m.role, m.stamp FROM membership m JOIN org o ON o.id = m.org_id
         WHERE o.root_id = ? ORDER BY m.org_id, m.account_id`,
        [rootOrg],
      ),
      await tx.query(
        `SELECT i.id, i.org_id, i.code_hash, i.role, i.expires_at, i.max_uses, i.uses, i.revoked FROM invite i
         JOIN org o ON o.id = i.org_id WHERE o.root_id = ? ORDER BY i.id`,
        [rootOrg],
      ),
      await tx.query(
        `SELECT a.id, a.name, a.display_name, a.verifier, a.stamp FROM account a WHERE a.id IN
         (SELECT m.account_id FROM membership m JOIN org o ON o.id = m.org_id WHERE o.root_id = ?) ORDER BY a.id`,
        [rootOrg],
      ),
    ];
  }

  async clear(tx: EntityManager): Promise<void> {
    // Accounts are kept: an account that belongs to no organisation yet exists only here.
    for (const table of ['invite', 'membership', 'org']) await tx.query(`DELETE FROM ${table}`);
  }
}
