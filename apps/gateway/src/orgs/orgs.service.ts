import type { OpDraft } from '@gatehouse/mesh';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { AccountsService } from '../auth/accounts.service.js';
import type { Viewer } from '../auth/viewer.js';
import { badInput, conflict, forbidden, notFound, unauthenticated } from '../common/gatehouse-error.js';
import { newId } from '../common/ids.js';
import { OpLogService } from '../oplog/oplog.service.js';
import { DATA_SOURCE } from '../oplog/tokens.js';
import { AccessService, type OrgRow } from './access.service.js';
import type { MemberRolePayload, OrgCreatedPayload } from './orgs.projection.js';
import { type Role, roleAtLeast } from './roles.js';

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

export interface MemberRow {
  account_id: string;
  name: string;
  display_name: string;
  role: Role;
}

/** Organisations, departments and their members. */
@Injectable()
export class OrgsService {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    private readonly oplog: OpLogService,
    private readonly access: AccessService,
    private readonly accounts: AccountsService,
  ) {}

  private checkFields(input: { name: string; slug: string; description?: string }) {
    const problems = [];
    if (!input.name.trim() || input.name.length > 200)
      problems.push({ field: 'name', message: '1 to 200 characters' });
    if (!SLUG.test(input.slug))
      problems.push({ field: 'slug', message: 'lowercase letters, digits and dashes' });
    if ((input.description ?? '').length > 4000)
      problems.push({ field: 'description', message: 'at most 4000 characters' });
    if (problems.length) throw badInput('invalid organisation', problems);
  }

  async create(
    viewer: Viewer | null,
    input: { name: string; slug: string; description?: string },
  ): Promise<OrgRow> {
    if (!viewer) throw unauthenticated();
    this.checkFields(input);
    const account = await this.accounts.byId(viewer.accountId);
    if (!account) throw unauthenticated('account not found');
    const id = newId();
    const created: OrgCreatedPayload = {
      id,
      parentId: null,
      slug: input.slug,
      name: input.name.trim(),
      description: input.description ?? '',
    };
    await this.oplog.append([
      { org: id, actor: viewer.accountId, kind: 'org.created', entity: id, payload: { ...created } },
      this.accounts.publishDraft(account, id, viewer.accountId),
      this.roleDraft(id, viewer.accountId, { orgId: id, accountId: viewer.accountId, role: 'owner' }),
    ]);
    return (await this.access.org(id))!;
  }

  async createDepartment(
    viewer: Viewer | null,
    parentId: string,
    input: { name: string; slug: string; description?: string },
  ): Promise<OrgRow> {
    const { org: parent } = await this.access.require(viewer, parentId, 'admin');
    this.checkFields(input);
    const id = newId();
    const created: OrgCreatedPayload = {
      id,
      parentId: parent.id,
      slug: input.slug,
      name: input.name.trim(),
      description: input.description ?? '',
    };
    await this.oplog.append([
      {
        org: parent.root_id,
        actor: viewer!.accountId,
        kind: 'org.created',
        entity: id,
        payload: { ...created },
      },
    ]);
    return (await this.access.org(id))!;
  }

  async update(
    viewer: Viewer | null,
    orgId: string,
    input: { name: string; description: string },
  ): Promise<OrgRow> {
    const { org } = await this.access.require(viewer, orgId, 'admin');
    this.checkFields({ ...input, slug: org.slug });
    await this.oplog.append([
      {
        org: org.root_id,
        actor: viewer!.accountId,
        kind: 'org.updated',
        entity: org.id,
        payload: { id: org.id, name: input.name.trim(), description: input.description },
      },
    ]);
    return (await this.access.org(orgId))!;
  }

  async setRole(viewer: Viewer | null, orgId: string, accountId: string, role: Role | 'none'): Promise<void> {
    const { org, role: mine } = await this.access.require(viewer, orgId, 'admin');
    // Only owners make or unmake owners and admins.
    const target = await this.access.roleIn(accountId, org);
    const touchesTop = role === 'owner' || role === 'admin' || target === 'owner' || target === 'admin';
    if (touchesTop && !roleAtLeast(mine, 'owner'))
      throw forbidden('only an owner can change owners and admins');
    if (
      accountId === viewer!.accountId &&
      role !== 'owner' &&
      mine === 'owner' &&
      (await this.ownerCount(org)) <= 1
    ) {
      throw conflict('an organisation needs at least one owner');
    }
    const account = await this.accounts.byId(accountId);
    if (!account) throw notFound(`account ${accountId}`);
    const drafts: OpDraft[] = [];
    if (!(await this.accounts.publishedIn(accountId, org.root_id))) {
      drafts.push(this.accounts.publishDraft(account, org.root_id, viewer!.accountId));
    }
    drafts.push(this.roleDraft(org.root_id, viewer!.accountId, { orgId: org.id, accountId, role }));
    await this.oplog.append(drafts);
  }

  roleDraft(rootOrg: string, actor: string, payload: MemberRolePayload): OpDraft {
    return {
      org: rootOrg,
      actor,
      kind: 'member.role',
      entity: `${payload.orgId}/${payload.accountId}`,
      payload: { ...payload },
    };
  }

  private async ownerCount(org: OrgRow): Promise<number> {
    const [row] = await this.db.query(
      `SELECT count(*) AS n FROM membership WHERE org_id = ? AND role = 'owner'`,
      [org.id],
    );
    return row.n;
  }

  members(orgId: string): Promise<MemberRow[]> {
    return this.db.query(
      `SELECT m.account_id, a.name, a.display_name, m.role FROM membership m JOIN account a ON a.id = m.account_id
       WHERE m.org_id = ? AND m.role <> 'none' ORDER BY a.name, a.id`,
      [orgId],
    );
  }

  departments(orgId: string): Promise<OrgRow[]> {
    return this.db.query('SELECT * FROM org WHERE parent_id = ? ORDER BY name, id', [orgId]);
  }

  async bySlugOrId(key: string): Promise<OrgRow | null> {
    const [row] = await this.db.query(
      'SELECT * FROM org WHERE id = ? OR slug = ? ORDER BY id = ? DESC, id LIMIT 1',
      [key, key, key],
    );
    return row ?? null;
  }
}
