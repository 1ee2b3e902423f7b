import type { OpDraft } from '@gatehouse/mesh';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { AccountsService } from '../auth/accounts.service.js';
import type { Viewer } from '../auth/viewer.js';
import { badInput, conflict, forbidden, notFound, unauthenticated } from '../common/gatehouse-error.js';
import { newId, newSecret, sha256Hex } from '../common/ids.js';
import { OpLogService } from '../oplog/oplog.service.js';
import { DATA_SOURCE } from '../oplog/tokens.js';
import { AccessService, type OrgRow } from './access.service.js';
import type { InviteCreatedPayload } from './orgs.projection.js';
import { OrgsService } from './orgs.service.js';
import { type Role, roleAtLeast } from './roles.js';

export interface InviteRow {
  id: string;
  org_id: string;
  role: Role;
  created_by: string | null;
  expires_at: number;
  max_uses: number;
  uses: number;
  revoked: number;
}

/**
 * Invitations by code. The log holds only the code's hash, so any gateway that
 * hosts the organisation can redeem it and nobody can read codes from the log.
 */
@Injectable()
export class InvitesService {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    private readonly oplog: OpLogService,
    private readonly access: AccessService,
    private readonly orgs: OrgsService,
    private readonly accounts: AccountsService,
  ) {}

  async create(
    viewer: Viewer | null,
    orgId: string,
    input: { role: Role; maxUses: number; validForHours: number },
  ): Promise<{ code: string; invite: InviteRow }> {
    const { org, role: mine } = await this.access.require(viewer, orgId, 'admin');
    if (input.role === 'owner' && !roleAtLeast(mine, 'owner'))
      throw forbidden('only an owner can invite owners');
    if (input.maxUses < 1 || input.maxUses > 10000)
      throw badInput('invalid invite', [{ field: 'maxUses', message: '1 to 10000' }]);
    if (input.validForHours < 1 || input.validForHours > 24 * 365) {
      throw badInput('invalid invite', [{ field: 'validForHours', message: '1 hour to 1 year' }]);
    }
    const code = newSecret('ghi_');
    const payload: InviteCreatedPayload = {
      inviteId: newId(),
      orgId: org.id,
      codeHash: sha256Hex(code),
      role: input.role,
      expiresAt: Date.now() + input.validForHours * 3600_000,
      maxUses: input.maxUses,
    };
    await this.oplog.append([
      {
        org: org.root_id,
        actor: viewer!.accountId,
        kind: 'invite.created',
        entity: payload.inviteId,
        payload: { ...payload },
      },
    ]);
    return { code, invite: (await this.byId(payload.inviteId))! };
  }

  async byId(id: string): Promise<InviteRow | null> {
    const [row] = await this.db.query('SELECT * FROM invite WHERE id = ?', [id]);
    return row ?? null;
  }

  async list(viewer: Viewer | null, orgId: string): Promise<InviteRow[]> {
    await this.access.require(viewer, orgId, 'admin');
    return this.db.query('SELECT * FROM invite WHERE org_id = ? ORDER BY expires_at DESC', [orgId]);
  }

  async revoke(viewer: Viewer | null, inviteId: string): Promise<InviteRow> {
    const invite = await this.byId(inviteId);
    if (!invite) throw notFound(`invite ${inviteId}`);
    const { org } = await this.access.require(viewer, invite.org_id, 'admin');
    await this.oplog.append([
      {
        org: org.root_id,
        actor: viewer!.accountId,
        kind: 'invite.revoked',
        entity: inviteId,
        payload: { inviteId },
      },
    ]);
    return (await this.byId(inviteId))!;
  }

  async redeem(viewer: Viewer | null, code: string): Promise<OrgRow> {
    if (!viewer) throw unauthenticated();
    const [invite]: InviteRow[] = await this.db.query('SELECT * FROM invite WHERE code_hash = ?', [
      sha256Hex(code.trim()),
    ]);
    if (!invite) throw notFound('invite code');
    if (invite.revoked) throw conflict('this invite was revoked');
    if (invite.expires_at < Date.now()) throw conflict('this invite has expired');
    if (invite.uses >= invite.max_uses) throw conflict('this invite has been used up');
    const org = (await this.access.org(invite.org_id))!;
    const current = await this.access.roleIn(viewer.accountId, org);
    if (current && roleAtLeast(current, invite.role)) return org;
    const account = (await this.accounts.byId(viewer.accountId))!;
    const drafts: OpDraft[] = [];
    if (!(await this.accounts.publishedIn(account.id, org.root_id))) {
      drafts.push(this.accounts.publishDraft(account, org.root_id, account.id));
    }
    drafts.push(
      {
        org: org.root_id,
        actor: account.id,
        kind: 'invite.redeemed',
        entity: invite.id,
        payload: { inviteId: invite.id, accountId: account.id },
      },
      this.orgs.roleDraft(org.root_id, account.id, {
        orgId: org.id,
        accountId: account.id,
        role: invite.role,
      }),
    );
    await this.oplog.append(drafts);
    return org;
  }
}
