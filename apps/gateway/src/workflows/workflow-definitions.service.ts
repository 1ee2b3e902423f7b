import {
  type DefinitionDraft,
  knownRoles,
  publishVersion,
  type WorkflowDefinition,
} from '@gatehouse/workflow';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Viewer } from '../auth/viewer.js';
import { badInput, conflict, forbidden, notFound } from '../common/gatehouse-error.js';
import { newId } from '../common/ids.js';
import { type Connection, decodeCursor, toConnection } from '../graphql/pagination.js';
import { OpLogService } from '../oplog/oplog.service.js';
import { DATA_SOURCE } from '../oplog/tokens.js';
import { type Access, AccessService, type OrgRow } from '../orgs/access.service.js';
import { roleAtLeast } from '../orgs/roles.js';
import { DESIGNER_ROLE } from './custom-roles.js';
import { definitionOf, type VersionRow } from './definition-store.js';
import { WorkflowRolesService } from './workflow-roles.service.js';

const KEY = /^[a-z0-9][a-z0-9-]{0,62}$/;
const DEFAULT_START_ROLES = ['member'];

/** The newest version of each workflow: highest version, then last writer (two gateways may publish one number apart). */
const LATEST = `id = (SELECT w.id FROM workflow_version w WHERE w.workflow_id = v.workflow_id
  ORDER BY w.version DESC, w.stamp DESC LIMIT 1)`;

/** Defining workflows and publishing new versions (admins and holders of the designer role). */
@Injectable()
export class WorkflowDefinitionsService {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    private readonly oplog: OpLogService,
    private readonly access: AccessService,
    private readonly roles: WorkflowRolesService,
  ) {}

  /** Admins and holders of the designer role manage workflows: define, publish, migrate items. */
  async requireDesigner(viewer: Viewer | null, orgId: string, what = 'designing workflows'): Promise<Access> {
    const access = await this.access.require(viewer, orgId, 'viewer');
    if (roleAtLeast(access.role, 'admin')) return access;
    if ((await this.roles.actorRoles(access.viewer.accountId, access.org)).includes(DESIGNER_ROLE))
      return access;
    throw forbidden(`${what} needs the admin or ${DESIGNER_ROLE} role`);
  }

  async define(
    viewer: Viewer | null,
    input: { orgId: string; definition: Record<string, unknown>; startRoles?: string[] | null },
  ): Promise<VersionRow> {
    const { org } = await this.requireDesigner(viewer, input.orgId);
    const key = input.definition.key;
    if (typeof key !== 'string' || !KEY.test(key)) {
      throw badInput('invalid workflow key', [
        { field: 'definition.key', message: 'lowercase letters, digits and dashes, up to 63' },
      ]);
    }
    const [taken] = await this.db.query(
      'SELECT 1 FROM workflow_version WHERE org_id = ? AND key = ? LIMIT 1',
      [org.id, key],
    );
    if (taken) throw conflict(`a workflow with key "${key}" exists; publish a new version of it instead`);
    const definition = this.validated(undefined, input.definition);
    const startRoles = this.startRoles(definition, input.startRoles ?? DEFAULT_START_ROLES);
    return this.append(viewer!, org.id, org.root_id, newId(), definition, startRoles);
  }

  async publish(
    viewer: Viewer | null,
    input: {
      orgId: string;
      workflowId: string;
      definition: Record<string, unknown>;
      startRoles?: string[] | null;
    },
  ): Promise<VersionRow> {
    const { org } = await this.requireDesigner(viewer, input.orgId);
    const latest = await this.latest(org.id, input.workflowId);
    if (!latest) throw notFound(`workflow ${input.workflowId}`);
    const previous = definitionOf(latest);
    const draft = { key: previous.key, ...input.definition };
    const definition = this.validated(previous, draft);
    const startRoles = this.startRoles(definition, input.startRoles ?? JSON.parse(latest.start_roles));
    return this.append(viewer!, org.id, org.root_id, input.workflowId, definition, startRoles);
  }

  private validated(
    previous: WorkflowDefinition | undefined,
    draft: Record<string, unknown>,
  ): WorkflowDefinition {
    const result = publishVersion(previous, draft as unknown as DefinitionDraft);
    if (result.ok) return result.definition;
    throw badInput(
      `invalid workflow definition: ${result.errors.map((e) => e.message).join('; ')}`,
      result.errors.map((e) => ({
        field: e.path ? `definition.${e.path}` : 'definition',
        message: e.message,
      })),
    );
  }

  private startRoles(def: WorkflowDefinition, roles: string[]): string[] {
    const known = knownRoles(def);
    const unknown = roles.filter((r) => !known.has(r));
    if (roles.length === 0 || unknown.length > 0) {
      throw badInput('invalid start roles', [
        {
          field: 'startRoles',
          message: roles.length ? `unknown roles: ${unknown.join(', ')}` : 'name at least one role',
        },
      ]);
    }
    return [...new Set(roles)];
  }

  private async append(
    viewer: Viewer,
    orgId: string,
    rootOrg: string,
    workflowId: string,
    definition: WorkflowDefinition,
    startRoles: string[],
  ): Promise<VersionRow> {
    const versionId = newId();
    await this.oplog.append([
      {
        org: rootOrg,
        actor: viewer.accountId,
        kind: 'workflow.published',
        entity: workflowId,
        payload: {
          orgId,
          workflowId,
          versionId,
          key: definition.key,
          version: definition.version,
          // A JSON round trip turns the frozen definition into plain op values.
          definition: JSON.parse(JSON.stringify(definition)),
          startRoles,
        },
      },
    ]);
    return (await this.version(versionId))!;
  }

  async version(versionId: string): Promise<VersionRow | null> {
    const [row] = await this.db.query('SELECT * FROM workflow_version WHERE id = ?', [versionId]);
    return row ?? null;
  }

  async latest(orgId: string, workflowId: string): Promise<VersionRow | null> {
    const [row] = await this.db.query(
      `SELECT * FROM workflow_version v WHERE org_id = ? AND workflow_id = ? AND ${LATEST}`,
      [orgId, workflowId],
    );
    return row ?? null;
  }

  /** A workflow usable in `org`: defined there or in an organisation above it (departments use their root's). */
  async latestInChain(org: OrgRow, workflowId: string): Promise<VersionRow | null> {
    const [row] = await this.db.query(
      `WITH RECURSIVE chain(id, parent_id) AS (
         SELECT id, parent_id FROM org WHERE id = ?
         UNION ALL SELECT o.id, o.parent_id FROM org o JOIN chain c ON o.id = c.parent_id)
       SELECT v.* FROM workflow_version v WHERE v.workflow_id = ? AND v.org_id IN (SELECT id FROM chain) AND ${LATEST}`,
      [org.id, workflowId],
    );
    return row ?? null;
  }

  async latestByKey(orgId: string, key: string): Promise<VersionRow | null> {
    const [row] = await this.db.query(
      'SELECT * FROM workflow_version WHERE org_id = ? AND key = ? ORDER BY version DESC, stamp DESC, id LIMIT 1',
      [orgId, key],
    );
    return row ?? null;
  }

  async get(viewer: Viewer | null, orgId: string, workflowId: string): Promise<VersionRow> {
    await this.access.require(viewer, orgId, 'viewer');
    const row = await this.latest(orgId, workflowId);
    if (!row) throw notFound(`workflow ${workflowId}`);
    return row;
  }

  async list(
    viewer: Viewer | null,
    orgId: string,
    first: number,
    after?: string,
  ): Promise<Connection<VersionRow>> {
    await this.access.require(viewer, orgId, 'viewer');
    const [key, id] = (decodeCursor(after) ?? ['', '']) as [string, string];
    const rows: VersionRow[] = await this.db.query(
      `SELECT * FROM workflow_version v WHERE org_id = ? AND ${LATEST} AND (key, workflow_id) > (?, ?)
       ORDER BY key, workflow_id LIMIT ?`,
      [orgId, key, id, first + 1],
    );
    return toConnection(
      rows,
      first,
      (r) => [r.key, r.workflow_id],
      (r) => r,
    );
  }

  versions(workflowId: string): Promise<VersionRow[]> {
    return this.db.query(
      'SELECT * FROM workflow_version WHERE workflow_id = ? ORDER BY version, stamp LIMIT 500',
      [workflowId],
    );
  }
}
