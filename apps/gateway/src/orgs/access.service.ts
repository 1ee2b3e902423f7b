import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Viewer } from '../auth/viewer.js';
import { forbidden, notFound, unauthenticated } from '../common/gatehouse-error.js';
import { OpLogService } from '../oplog/oplog.service.js';
import { DATA_SOURCE } from '../oplog/tokens.js';
import { AccessCache } from './access-cache.js';
import { type Role, roleAtLeast, strongest } from './roles.js';

export interface OrgRow {
  id: string;
  root_id: string;
  parent_id: string | null;
  slug: string;
  name: string;
  description: string;
  created_by: string | null;
  created_hlc: string;
}

export interface Access {
  readonly org: OrgRow;
  readonly role: Role;
  readonly viewer: Viewer;
}

/**
 * Who may do what in which organisation. A role in an organisation carries
 * into its departments; a department role can raise it there.
 */
@Injectable()
export class AccessService implements OnModuleInit {
  private readonly orgs = new AccessCache<OrgRow | null>();
  private readonly roles = new AccessCache<Role | null>();

  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    private readonly oplog: OpLogService,
  ) {}

  onModuleInit(): void {
    this.oplog.committed.subscribe((ops) => {
      this.orgs.invalidateOn(ops);
      this.roles.invalidateOn(ops);
    });
    this.oplog.rebuilt.subscribe(() => {
      this.orgs.clear();
      this.roles.clear();
    });
  }

  async org(orgId: string): Promise<OrgRow | null> {
    const cached = this.orgs.get(orgId);
    if (cached) return cached;
    const [row] = await this.db.query('SELECT * FROM org WHERE id = ?', [orgId]);
    if (row) this.orgs.set(orgId, row);
    return row ?? null;
  }

  async roleIn(accountId: string, org: OrgRow): Promise<Role | null> {
    const key = `${accountId}\0${org.id}`;
    const cached = this.roles.get(key);
    if (cached !== undefined) return cached;
    const role = await this.lookUpRole(accountId, org);
    this.roles.set(key, role);
    return role;
  }

  private async lookUpRole(accountId: string, org: OrgRow): Promise<Role | null> {
    const rows: { role: Role | 'none' }[] = await this.db.query(
      `WITH RECURSIVE chain(id, parent_id) AS (
         SELECT id, parent_id FROM org WHERE id = ?
         UNION ALL SELECT o.id, o.parent_id FROM org o JOIN chain c ON o.id = c.parent_id)
       SELECT m.role FROM membership m JOIN chain c ON c.id = m.org_id WHERE m.account_id = ?`,
      [org.id, accountId],
    );
    return strongest(rows.map((r) => (r.role === 'none' ? null : r.role)));
  }

  /** Throws UNAUTHENTICATED, NOT_FOUND or FORBIDDEN unless the viewer holds `needed` in the organisation. */
  async require(viewer: Viewer | null, orgId: string, needed: Role): Promise<Access> {
    if (!viewer) throw unauthenticated();
    const org = await this.org(orgId);
    if (!org) throw notFound(`organisation ${orgId}`);
    const role = await this.roleIn(viewer.accountId, org);
    if (!role) throw forbidden('you are not a member of this organisation');
    if (!roleAtLeast(role, needed)) throw forbidden(`this needs the ${needed} role; you are ${role}`);
    return { org, role, viewer };
  }

  /** Organisations (and departments) the account can read, with its role in each. */
  async readable(accountId: string): Promise<{ org: OrgRow; role: Role }[]> {
    const orgs: OrgRow[] = await this.db.query(
      `WITH RECURSIVE visible(id) AS (
         SELECT org_id FROM membership WHERE account_id = ? AND role <> 'none'
         UNION SELECT o.id FROM org o JOIN visible v ON o.parent_id = v.id)
       SELECT o.* FROM org o JOIN visible v ON v.id = o.id ORDER BY o.name, o.id`,
      [accountId],
    );
    const out: { org: OrgRow; role: Role }[] = [];
    for (const org of orgs) {
      const role = await this.roleIn(accountId, org);
      if (role) out.push({ org, role });
    }
    return out;
  }
}
