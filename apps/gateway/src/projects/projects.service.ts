import type { OpDraft } from '@gatehouse/mesh';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Viewer } from '../auth/viewer.js';
import { badInput, notFound } from '../common/gatehouse-error.js';
import { newId } from '../common/ids.js';
import { type Connection, decodeCursor, toConnection } from '../graphql/pagination.js';
import { OpLogService } from '../oplog/oplog.service.js';
import { DATA_SOURCE } from '../oplog/tokens.js';
import { type Access, AccessService } from '../orgs/access.service.js';

export interface ProjectRow {
  id: string;
  org_id: string;
  name: string;
  description: string;
  created_by: string | null;
  created_hlc: string;
}

export interface MilestoneRow {
  id: string;
  org_id: string;
  project_id: string;
  title: string;
  due_date: string | null;
  created_hlc: string;
}

/** Only the fields the caller set: undefined means "leave as it is". */
export function definedFields<T extends object>(
  input: T,
  keys: readonly (keyof T)[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) if (input[key] !== undefined) out[key as string] = input[key];
  if (!Object.keys(out).length)
    throw badInput('nothing to change', [{ field: 'input', message: 'set a field' }]);
  return out;
}

export function opDraft(
  access: Access,
  kind: string,
  entity: string,
  fields: Record<string, unknown>,
): OpDraft {
  return {
    org: access.org.root_id,
    actor: access.viewer.accountId,
    kind,
    entity,
    payload: { orgId: access.org.id, ...fields } as OpDraft['payload'],
  };
}

/** Projects and their milestones (editors create and change them; everyone in the organisation reads). */
@Injectable()
export class ProjectsService {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    private readonly oplog: OpLogService,
    private readonly access: AccessService,
  ) {}

  async row(orgId: string, projectId: string): Promise<ProjectRow> {
    const [row] = await this.db.query('SELECT * FROM project WHERE id = ? AND org_id = ?', [
      projectId,
      orgId,
    ]);
    if (!row) throw notFound(`project ${projectId}`);
    return row;
  }

  async get(viewer: Viewer | null, orgId: string, projectId: string): Promise<ProjectRow> {
    const { org } = await this.access.require(viewer, orgId, 'viewer');
    return this.row(org.id, projectId);
  }

  async list(
    viewer: Viewer | null,
    orgId: string,
    first: number,
    after?: string,
  ): Promise<Connection<ProjectRow>> {
    const { org } = await this.access.require(viewer, orgId, 'viewer');
    const [name, id] = (decodeCursor(after) ?? ['', '']) as [string, string];
    const rows: ProjectRow[] = await this.db.query(
      'SELECT * FROM project WHERE org_id = ? AND (name, id) > (?, ?) ORDER BY name, id LIMIT ?',
      [org.id, name, id, first + 1],
    );
    return toConnection(
      rows,
      first,
      (r) => [r.name, r.id],
      (r) => r,
    );
  }

  async create(
    viewer: Viewer | null,
    input: { orgId: string; name: string; description: string },
  ): Promise<ProjectRow> {
    const access = await this.access.require(viewer, input.orgId, 'editor');
    const projectId = newId();
    await this.oplog.append([
      opDraft(access, 'project.created', projectId, {
        projectId,
        name: input.name.trim(),
        description: input.description,
      }),
    ]);
    return this.row(access.org.id, projectId);
  }

  async update(
    viewer: Viewer | null,
    input: { orgId: string; projectId: string; name?: string; description?: string },
  ): Promise<ProjectRow> {
    const access = await this.access.require(viewer, input.orgId, 'editor');
    await this.row(access.org.id, input.projectId);
    const fields = definedFields(input, ['name', 'description']);
    await this.oplog.append([
      opDraft(access, 'project.updated', input.projectId, { projectId: input.projectId, fields }),
    ]);
    return this.row(access.org.id, input.projectId);
  }

  milestones(projectId: string): Promise<MilestoneRow[]> {
    return this.db.query(
      `SELECT * FROM milestone WHERE project_id = ? ORDER BY due_date IS NULL, due_date, created_hlc, id LIMIT 200`,
      [projectId],
    );
  }

  async milestone(orgId: string, milestoneId: string): Promise<MilestoneRow> {
    const [row] = await this.db.query('SELECT * FROM milestone WHERE id = ? AND org_id = ?', [
      milestoneId,
      orgId,
    ]);
    if (!row) throw notFound(`milestone ${milestoneId}`);
    return row;
  }

  async createMilestone(
    viewer: Viewer | null,
    input: { orgId: string; projectId: string; title: string; dueDate?: string | null },
  ): Promise<MilestoneRow> {
    const access = await this.access.require(viewer, input.orgId, 'editor');
    await this.row(access.org.id, input.projectId);
    const milestoneId = newId();
    await this.oplog.append([
      opDraft(access, 'project.milestoneCreated', milestoneId, {
        projectId: input.projectId,
        milestoneId,
        title: input.title.trim(),
        dueDate: input.dueDate ?? null,
      }),
    ]);
    return this.milestone(access.org.id, milestoneId);
  }

  async updateMilestone(
    viewer: Viewer | null,
    input: { orgId: string; milestoneId: string; title?: string; dueDate?: string | null },
  ): Promise<MilestoneRow> {
    const access = await this.access.require(viewer, input.orgId, 'editor');
    await this.milestone(access.org.id, input.milestoneId);
    const fields = definedFields(input, ['title', 'dueDate']);
    await this.oplog.append([
      opDraft(access, 'project.milestoneUpdated', input.milestoneId, {
        milestoneId: input.milestoneId,
        fields,
      }),
    ]);
    return this.milestone(access.org.id, input.milestoneId);
  }
}
