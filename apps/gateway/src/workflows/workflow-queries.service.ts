import type { WorkflowDefinition } from '@gatehouse/workflow';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Viewer } from '../auth/viewer.js';
import { type Connection, decodeCursor, encodeCursor, toConnection } from '../graphql/pagination.js';
import { DATA_SOURCE } from '../oplog/tokens.js';
import { AccessService, type OrgRow } from '../orgs/access.service.js';
import { definitionOf, versionRow } from './definition-store.js';
import { waitsOn } from './workflow-inbox.util.js';
import type { ItemRow } from './workflow-items.store.js';
import { WorkflowRolesService } from './workflow-roles.service.js';

export interface ItemFilter {
  workflowId?: string | null;
  state?: string | null;
  open?: boolean | null;
  withConflicts?: boolean | null;
}

/** How many candidate rows one inbox page reads at most before it returns a short page. */
const MAX_INBOX_SCAN = 1000;

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
   * viewer: assigned to them, or unassigned, in a state whose assignee roles
   * (if it names any) include one of theirs, with a transition they can take
   * now: role, condition, required fields and form, as the engine's
   * `availableTransitions` decides. The item rows say which roles can act
   * (workflow-inbox.util.ts); only items whose conditions read the actor's
   * roles are asked again here, with the viewer's roles.
   */
  async inbox(
    viewer: Viewer | null,
    orgId: string,
    first: number,
    after?: string,
  ): Promise<Connection<ItemRow>> {
    const { org, viewer: me } = await this.access.require(viewer, orgId, 'viewer');
    let cursor = (decodeCursor(after) ?? ['\uffff', '']) as [string, string];
    const clauses: string[] = [];
    const params: unknown[] = [];
    const orgs = await this.subtree(org);
    const rolesIn = new Map<string, string[]>();
    for (const o of orgs) {
      const roles = await this.roles.actorRoles(me.accountId, o);
      if (!roles.length) continue;
      rolesIn.set(o.id, roles);
      const mine = roles.map(() => '?').join(',');
      clauses.push(
        `(org_id = ? AND EXISTS (SELECT 1 FROM json_each(ready_roles) WHERE value IN (${mine}))
          AND (assignee_roles = '[]' OR EXISTS (SELECT 1 FROM json_each(assignee_roles) WHERE value IN (${mine}))))`,
      );
      params.push(o.id, ...roles, ...roles);
    }
    const orgIds = orgs.map((o) => o.id);
    const nodes: ItemRow[] = [];
    const definitions = new Map<string, WorkflowDefinition | null>();
    const waitsOnMe = async (row: ItemRow): Promise<boolean> => {
      if (row.assignee === me.accountId || row.ready_exact) return true;
      if (!definitions.has(row.version_id)) {
        const version = await versionRow(this.db, row.version_id);
        definitions.set(row.version_id, version && definitionOf(version));
      }
      const def = definitions.get(row.version_id);
      return !!def && waitsOn(def, row.state, JSON.parse(row.data), rolesIn.get(row.org_id) ?? []);
    };
    // Rows come first + 1 at a time; a few may be dropped by waitsOnMe, so read on until the page is full.
    for (let scanned = 0; ; ) {
      const rows: ItemRow[] = await this.db.query(
        `SELECT * FROM workflow_item WHERE final = 0 AND org_id IN (${orgIds.map(() => '?').join(',')})
           AND (assignee = ? OR (assignee IS NULL AND (${clauses.join(' OR ') || '0'})))
           AND (updated_hlc, id) < (?, ?)
         ORDER BY updated_hlc DESC, id DESC LIMIT ?`,
        [...orgIds, me.accountId, ...params, ...cursor, first + 1],
      );
      for (const row of rows) {
        scanned += 1;
        if (await waitsOnMe(row)) nodes.push(row);
        if (nodes.length > first) return page(nodes, first);
        cursor = [row.updated_hlc, row.id];
        if (scanned >= MAX_INBOX_SCAN) {
          // Many candidates in a row that the viewer cannot act on: hand back what there is, and where to go on.
          return { nodes, pageInfo: { hasNextPage: true, endCursor: encodeCursor(cursor) } };
        }
      }
      if (rows.length <= first) return page(nodes, first);
    }
  }

  private subtree(org: OrgRow): Promise<OrgRow[]> {
    return this.db.query(
      `WITH RECURSIVE sub(id) AS (SELECT ? UNION ALL SELECT o.id FROM org o JOIN sub s ON o.parent_id = s.id)
       SELECT o.* FROM org o JOIN sub s ON s.id = o.id ORDER BY o.id LIMIT 200`,
      [org.id],
    );
  }
}
