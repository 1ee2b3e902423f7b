import { availableTransitions, type InstanceState, replay, takeTransition } from '@gatehouse/workflow';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Viewer } from '../auth/viewer.js';
import { badInput, conflict, notFound } from '../common/gatehouse-error.js';
import { newId } from '../common/ids.js';
import { type Connection, decodeCursor, toConnection } from '../graphql/pagination.js';
import { OpLogService } from '../oplog/oplog.service.js';
import { DATA_SOURCE } from '../oplog/tokens.js';
import { type Access, AccessService, type OrgRow } from '../orgs/access.service.js';
import type { VersionRow } from '../workflows/definition-store.js';
import { WorkflowDefinitionsService } from '../workflows/workflow-definitions.service.js';
import { loadEvents } from '../workflows/workflow-events.util.js';
import { transitionError } from '../workflows/workflow-items.service.js';
import { WorkflowRolesService } from '../workflows/workflow-roles.service.js';
import { definedFields, opDraft, ProjectsService } from './projects.service.js';
import { BUILTIN_TASK_STATUS_ROW, TASK_STATUS_KEY, taskStatusDefinition } from './task-status.workflow.js';

export interface TaskRow {
  id: string;
  org_id: string;
  project_id: string;
  milestone_id: string | null;
  title: string;
  description: string;
  assignee: string | null;
  due_date: string | null;
  labels: string;
  version_id: string;
  status: string;
  status_conflicts: number;
  created_by: string | null;
  created_hlc: string;
  updated_hlc: string;
}

export interface TaskFields {
  title?: string;
  description?: string;
  assigneeId?: string | null;
  dueDate?: string | null;
  labels?: string[];
  milestoneId?: string | null;
}

export interface TaskFilter {
  status?: string | null;
  assigneeId?: string | null;
  label?: string | null;
  milestoneId?: string | null;
}

/** Tasks: create, edit (any member), move through the status workflow (as its roles allow), list. */
@Injectable()
export class TasksService {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    private readonly oplog: OpLogService,
    private readonly access: AccessService,
    private readonly roles: WorkflowRolesService,
    private readonly definitions: WorkflowDefinitionsService,
    private readonly projects: ProjectsService,
  ) {}

  /** The status workflow new tasks get: the organisation's newest `task-status` version, else the built-in one. */
  async statusVersion(org: OrgRow): Promise<VersionRow> {
    return (
      (await this.definitions.latestByKey(org.id, TASK_STATUS_KEY)) ??
      (await this.definitions.latestByKey(org.root_id, TASK_STATUS_KEY)) ??
      BUILTIN_TASK_STATUS_ROW
    );
  }

  async row(orgId: string, taskId: string): Promise<TaskRow> {
    const [row] = await this.db.query('SELECT * FROM task WHERE id = ? AND org_id = ?', [taskId, orgId]);
    if (!row) throw notFound(`task ${taskId}`);
    return row;
  }

  async get(viewer: Viewer | null, orgId: string, taskId: string): Promise<TaskRow> {
    const { org } = await this.access.require(viewer, orgId, 'viewer');
    return this.row(org.id, taskId);
  }

  private async checkFields(access: Access, projectId: string, f: TaskFields): Promise<void> {
    if (f.milestoneId) {
      const m = await this.projects.milestone(access.org.id, f.milestoneId).catch(() => null);
      if (!m || m.project_id !== projectId)
        throw badInput('invalid task', [
          { field: 'milestoneId', message: 'not a milestone of this project' },
        ]);
    }
    if (f.assigneeId && !(await this.access.roleIn(f.assigneeId, access.org)))
      throw badInput('invalid task', [{ field: 'assigneeId', message: 'not a member of this organisation' }]);
  }

  private payloadFields(f: TaskFields): Record<string, unknown> {
    const { assigneeId, labels, ...rest } = f;
    return {
      ...rest,
      ...(assigneeId !== undefined ? { assignee: assigneeId } : {}),
      ...(labels !== undefined ? { labels: [...new Set(labels.map((l) => l.trim()))] } : {}),
    };
  }

  async create(
    viewer: Viewer | null,
    input: TaskFields & { orgId: string; projectId: string; title: string },
  ): Promise<TaskRow> {
    const access = await this.access.require(viewer, input.orgId, 'member');
    await this.projects.row(access.org.id, input.projectId);
    await this.checkFields(access, input.projectId, input);
    const taskId = newId();
    const version = await this.statusVersion(access.org);
    await this.oplog.append([
      opDraft(access, 'project.taskCreated', taskId, {
        projectId: input.projectId,
        taskId,
        versionId: version.id,
        ...this.payloadFields({
          title: input.title.trim(),
          description: input.description ?? '',
          assigneeId: input.assigneeId ?? null,
          dueDate: input.dueDate ?? null,
          labels: input.labels ?? [],
          milestoneId: input.milestoneId ?? null,
        }),
      }),
    ]);
    return this.row(access.org.id, taskId);
  }

  async update(
    viewer: Viewer | null,
    input: TaskFields & { orgId: string; taskId: string },
  ): Promise<TaskRow> {
    const access = await this.access.require(viewer, input.orgId, 'member');
    const task = await this.row(access.org.id, input.taskId);
    await this.checkFields(access, task.project_id, input);
    const keys = ['title', 'description', 'assigneeId', 'dueDate', 'labels', 'milestoneId'] as const;
    const fields = this.payloadFields(definedFields(input, keys) as TaskFields);
    await this.oplog.append([opDraft(access, 'project.taskUpdated', task.id, { taskId: task.id, fields })]);
    return this.row(access.org.id, task.id);
  }

  async statusOf(task: TaskRow) {
    const def = await taskStatusDefinition(this.db, task.version_id);
    if (!def) throw conflict('the status workflow of this task has not reached this gateway yet');
    return { def, instance: replay(def, await loadEvents(this.db, task.id)) as InstanceState };
  }

  /** Moves a task to a status through a transition of its status workflow that the viewer may take. */
  async move(
    viewer: Viewer | null,
    input: { orgId: string; taskId: string; toStatus: string },
  ): Promise<TaskRow> {
    const access = await this.access.require(viewer, input.orgId, 'viewer');
    const task = await this.row(access.org.id, input.taskId);
    const { def, instance } = await this.statusOf(task);
    const ways = def.transitions.filter((t) => t.from === instance.state && t.to === input.toStatus);
    if (!ways.length) {
      throw badInput(`a task cannot move from "${instance.state}" to "${input.toStatus}"`, [
        { field: 'toStatus', message: `no transition from "${instance.state}"` },
      ]);
    }
    const roles = await this.roles.actorRoles(access.viewer.accountId, access.org);
    const results = ways.map((t) => ({ t, result: takeTransition(def, instance, t.id, roles) }));
    const ok = results.find((r) => r.result.ok);
    if (!ok) {
      const first = results[0];
      throw transitionError(def, first.t.id, first.result as never);
    }
    const { type: _, ...event } = (ok.result as { event: Record<string, unknown> }).event;
    await this.oplog.append([opDraft(access, 'project.taskMoved', task.id, { taskId: task.id, ...event })]);
    return this.row(access.org.id, task.id);
  }

  /** Statuses the viewer may move the task to now. */
  async moves(viewer: Viewer | null, task: TaskRow): Promise<string[]> {
    const access = await this.access.require(viewer, task.org_id, 'viewer');
    const { def, instance } = await this.statusOf(task);
    const roles = await this.roles.actorRoles(access.viewer.accountId, access.org);
    const to = availableTransitions(def, instance, roles)
      .filter((a) => a.allowed)
      .map((a) => a.transition.to);
    return [...new Set(to)];
  }

  async list(
    viewer: Viewer | null,
    orgId: string,
    projectId: string,
    filter: TaskFilter,
    first: number,
    after?: string,
  ): Promise<Connection<TaskRow>> {
    const project = await this.projects.get(viewer, orgId, projectId);
    const [hlc, id] = (decodeCursor(after) ?? ['\uffff', '']) as [string, string];
    const f = { status: null, assigneeId: null, label: null, milestoneId: null, ...filter };
    const rows: TaskRow[] = await this.db.query(
      `SELECT * FROM task WHERE project_id = ? AND (? IS NULL OR status = ?) AND (? IS NULL OR assignee = ?)
         AND (? IS NULL OR milestone_id = ?) AND (? IS NULL OR EXISTS (SELECT 1 FROM json_each(labels) WHERE value = ?))
         AND (created_hlc, id) < (?, ?)
       ORDER BY created_hlc DESC, id DESC LIMIT ?`,
      [
        project.id,
        f.status,
        f.status,
        f.assigneeId,
        f.assigneeId,
        f.milestoneId,
        f.milestoneId,
        f.label,
        f.label,
        hlc,
        id,
        first + 1,
      ],
    );
    return toConnection(
      rows,
      first,
      (r) => [r.created_hlc, r.id],
      (r) => r,
    );
  }

  /**
   * Board columns: the statuses of the organisation's current status
   * workflow in their order, then any other status tasks are in (tasks on
   * an older version). Each column lists up to `perColumn` tasks, oldest first.
   */
  async board(projectId: string, org: OrgRow, perColumn: number) {
    const def = (await taskStatusDefinition(this.db, (await this.statusVersion(org)).id))!;
    const counts: { status: string; n: number }[] = await this.db.query(
      `SELECT status, count(*) AS n FROM task WHERE project_id = ? GROUP BY status ORDER BY status`,
      [projectId],
    );
    const statuses = [
      ...def.states.map((s) => ({ status: s.id, label: s.label ?? s.id })),
      ...counts
        .filter((c) => !def.states.some((s) => s.id === c.status))
        .map((c) => ({ status: c.status, label: c.status || 'unknown' })),
    ];
    return Promise.all(
      statuses.map(async (s) => ({
        ...s,
        count: counts.find((c) => c.status === s.status)?.n ?? 0,
        tasks: (await this.db.query(
          'SELECT * FROM task WHERE project_id = ? AND status = ? ORDER BY created_hlc, id LIMIT ?',
          [projectId, s.status, perColumn],
        )) as TaskRow[],
      })),
    );
  }
}
