import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Viewer } from '../auth/viewer.js';
import { type Connection, decodeCursor, toConnection } from '../graphql/pagination.js';
import { DATA_SOURCE } from '../oplog/tokens.js';
import { AccessService, type OrgRow } from '../orgs/access.service.js';
import type { ItemRow } from './workflow-items.store.js';
import { WorkflowRolesService } from './workflow-roles.service.js';

export interface ItemFilter {
  workflowId?: string | null;
  state?: string | null;
  open?: boolean | null;
  withConflicts?: boolean | null;
}

const page = (rows: ItemRow[], first: number) =>
  toConnection(
    rows,
    first,
    (r) => [r.updated_hlc, r.id],
    (r) => r,
  );

/** Lists of items: by filter, and each member's inbox. Newest activity first. */
@Injectable()
export class WorkflowQueriesService {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    private readonly access: AccessService,
    private readonly roles: WorkflowRolesService,
  ) {}

  async items(
    viewer: Viewer | null,
    orgId: string,
    filter: ItemFilter,
    first: number,
    after?: string,
  ): Promise<Connection<ItemRow>> {
    const { org } = await this.access.require(viewer, orgId, 'viewer');
    const [hlc, id] = (decodeCursor(after) ?? ['\uffff', '']) as [string, string];
    const open = filter.open == null ? null : filter.open ? 0 : 1;
    const rows: ItemRow[] = await this.db.query(
      `SELECT * FROM workflow_item WHERE org_id = ? AND (? IS NULL OR workflow_id = ?) AND (? IS NULL OR state = ?)
         AND (? IS NULL OR final = ?) AND (? = 0 OR conflict_count > 0) AND (updated_hlc, id) < (?, ?)
       ORDER BY updated_hlc DESC, id DESC LIMIT ?`,
      [
        org.id,
        filter.workflowId ?? null,
        filter.workflowId ?? null,
        filter.state ?? null,
        filter.state ?? null,
        open,
        open,
        filter.withConflicts ? 1 : 0,
        hlc,
        id,
        first + 1,
      ],
    );
    return page(rows, first);
  }

  /**
   * Open items of the organisation and its departments that wait on the
   * viewer: assigned to them, or unassigned and waiting on a role they hold
   * there. Conditions (amount limits...) are not evaluated here; the item's
   * availableTransitions says what the viewer may do.
   */
  async inbox(
    viewer: Viewer | null,
    orgId: string,
    first: number,
    after?: string,
  ): Promise<Connection<ItemRow>> {
    const { org, viewer: me } = await this.access.require(viewer, orgId, 'viewer');
    const [hlc, id] = (decodeCursor(after) ?? ['\uffff', '']) as [string, string];
    const clauses: string[] = [];
    const params: unknown[] = [];
    const orgs = await this.subtree(org);
    for (const o of orgs) {
      const roles = await this.roles.actorRoles(me.accountId, o);
      if (!roles.length) continue;
      clauses.push(
        `(org_id = ? AND EXISTS (SELECT 1 FROM json_each(waiting_roles) WHERE value IN (${roles.map(() => '?').join(',')})))`,
      );
      params.push(o.id, ...roles);
    }
    const orgIds = orgs.map((o) => o.id);
    const rows: ItemRow[] = await this.db.query(
      `SELECT * FROM workflow_item WHERE final = 0 AND org_id IN (${orgIds.map(() => '?').join(',')})
         AND (assignee = ? OR (assignee IS NULL AND (${clauses.join(' OR ') || '0'})))
         AND (updated_hlc, id) < (?, ?)
       ORDER BY updated_hlc DESC, id DESC LIMIT ?`,
      [...orgIds, me.accountId, ...params, hlc, id, first + 1],
    );
    return page(rows, first);
  }

  private subtree(org: OrgRow): Promise<OrgRow[]> {
    return this.db.query(
      `WITH RECURSIVE sub(id) AS (SELECT ? UNION ALL SELECT o.id FROM org o JOIN sub s ON o.parent_id = s.id)
       SELECT o.* FROM org o JOIN sub s ON s.id = o.id ORDER BY o.id LIMIT 200`,
      [org.id],
    );
  }
}
