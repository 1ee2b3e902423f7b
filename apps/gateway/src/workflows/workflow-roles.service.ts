import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Viewer } from '../auth/viewer.js';
import { badInput, notFound } from '../common/gatehouse-error.js';
import { OpLogService } from '../oplog/oplog.service.js';
import { DATA_SOURCE } from '../oplog/tokens.js';
import { AccessService, type OrgRow } from '../orgs/access.service.js';
import { ROLES } from '../orgs/roles.js';
import { CUSTOM_ROLE, expandOrgRole } from './custom-roles.js';

export interface RoleGrantRow {
  org_id: string;
  account_id: string;
  role: string;
}

/**
 * Custom workflow roles (treasurer, board, designer...) granted to members,
 * and the roles the workflow engine sees for an actor: the expanded
 * organisation role plus the custom roles granted in the organisation or any
 * organisation above it. Custom roles count only while the account is a member.
 */
@Injectable()
export class WorkflowRolesService {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    private readonly access: AccessService,
    private readonly oplog: OpLogService,
  ) {}

  async actorRoles(accountId: string, org: OrgRow): Promise<string[]> {
    const role = await this.access.roleIn(accountId, org);
    if (!role) return [];
    const custom: { role: string }[] = await this.db.query(
      `WITH RECURSIVE chain(id, parent_id) AS (
         SELECT id, parent_id FROM org WHERE id = ?
         UNION ALL SELECT o.id, o.parent_id FROM org o JOIN chain c ON o.id = c.parent_id)
       SELECT DISTINCT w.role FROM workflow_role w JOIN chain c ON c.id = w.org_id
       WHERE w.account_id = ? AND w.granted = 1 ORDER BY w.role`,
      [org.id, accountId],
    );
    return [...expandOrgRole(role), ...custom.map((r) => r.role)];
  }

  /** Grants (or revokes) a custom role; admins only. */
  async setGrant(
    viewer: Viewer | null,
    orgId: string,
    accountId: string,
    role: string,
    granted: boolean,
  ): Promise<void> {
    const { org } = await this.access.require(viewer, orgId, 'admin');
    if (!CUSTOM_ROLE.test(role) || (ROLES as readonly string[]).includes(role)) {
      throw badInput('invalid role', [
        { field: 'role', message: 'lowercase letters, digits and dashes, not an organisation role' },
      ]);
    }
    if (granted && !(await this.access.roleIn(accountId, org))) throw notFound(`member ${accountId}`);
    await this.oplog.append([
      {
        org: org.root_id,
        actor: viewer!.accountId,
        kind: 'workflow.roleGranted',
        entity: `${org.id}/${accountId}/${role}`,
        payload: { orgId: org.id, accountId, role, granted },
      },
    ]);
  }

  async grants(viewer: Viewer | null, orgId: string): Promise<RoleGrantRow[]> {
    await this.access.require(viewer, orgId, 'viewer');
    return this.db.query(
      'SELECT org_id, account_id, role FROM workflow_role WHERE org_id = ? AND granted = 1 ORDER BY account_id, role',
      [orgId],
    );
  }
}
