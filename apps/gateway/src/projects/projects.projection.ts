import { lwwStamp, type Op } from '@gatehouse/mesh';
import { replay } from '@gatehouse/workflow';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OpRejectedError, type Projection } from '../oplog/projection.js';
import { ProjectionRegistry } from '../oplog/projection-registry.js';
import { loadEvents, recordEvent, schema } from '../workflows/workflow-events.util.js';
import { WorkflowsProjection } from '../workflows/workflows.projection.js';
import { type Created, readFields, writeFields } from './project-fields.util.js';
import { taskStatusDefinition } from './task-status.workflow.js';

const { id, name } = schema;
const nullableId = { anyOf: [id, { type: 'null' }] };
const date = { anyOf: [{ type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' }, { type: 'null' }] };
const title = { type: 'string', minLength: 1, maxLength: 200 };
const description = { type: 'string', maxLength: 20_000 };
const labels = { type: 'array', maxItems: 20, items: { type: 'string', minLength: 1, maxLength: 40 } };
const object = (required: string[], properties: Record<string, object>) => ({
  type: 'object',
  additionalProperties: false,
  required,
  properties,
});
const patch = (properties: Record<string, object>) => ({ ...object([], properties), minProperties: 1 });
const taskFields = {
  title,
  description,
  assignee: nullableId,
  dueDate: date,
  labels,
  milestoneId: nullableId,
};

/**
 * Projects, milestones and tasks. Fields are last-writer-wins per field;
 * a task's status is the state of its status workflow, replayed from the
 * task's creation and moves, so concurrent moves resolve to one winner.
 */
@Injectable()
export class ProjectsProjection implements Projection, OnModuleInit {
  readonly name = 'projects';
  readonly payloadSchemas = {
    'project.created': object(['orgId', 'projectId', 'name', 'description'], {
      orgId: id,
      projectId: id,
      name: title,
      description,
    }),
    'project.updated': object(['orgId', 'projectId', 'fields'], {
      orgId: id,
      projectId: id,
      fields: patch({ name: title, description }),
    }),
    'project.milestoneCreated': object(['orgId', 'projectId', 'milestoneId', 'title', 'dueDate'], {
      orgId: id,
      projectId: id,
      milestoneId: id,
      title,
      dueDate: date,
    }),
    'project.milestoneUpdated': object(['orgId', 'milestoneId', 'fields'], {
      orgId: id,
      milestoneId: id,
      fields: patch({ title, dueDate: date }),
    }),
    'project.taskCreated': object(['orgId', 'projectId', 'taskId', 'versionId', ...Object.keys(taskFields)], {
      orgId: id,
      projectId: id,
      taskId: id,
      versionId: id,
      ...taskFields,
    }),
    'project.taskUpdated': object(['orgId', 'taskId', 'fields'], {
      orgId: id,
      taskId: id,
      fields: patch(taskFields),
    }),
    'project.taskMoved': object(['orgId', 'taskId', 'transitionId', 'fromState'], {
      orgId: id,
      taskId: id,
      transitionId: name,
      fromState: name,
      fromEventId: id,
    }),
  };

  constructor(
    private readonly registry: ProjectionRegistry,
    private readonly workflows: WorkflowsProjection,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
    // A task-status version may arrive after the tasks created with it.
    this.workflows.onVersionStored(async (tx, versionId) => {
      const tasks: { id: string }[] = await tx.query('SELECT id FROM task WHERE version_id = ?', [versionId]);
      for (const t of tasks) await this.materializeTask(tx, t.id);
    });
  }

  async apply(tx: EntityManager, op: Op): Promise<void> {
    const p = op.payload as Record<string, unknown> & { orgId: string; fields?: Record<string, unknown> };
    const [org] = await tx.query('SELECT root_id FROM org WHERE id = ?', [p.orgId]);
    if (org && org.root_id !== op.org)
      throw new OpRejectedError(op.id, 'belongs to another organisation log');
    const stamp = lwwStamp(op);
    const created = (extra: Partial<Created>): Created => ({
      orgId: p.orgId,
      hlc: op.hlc,
      actor: op.actor,
      ...extra,
    });
    switch (op.kind) {
      case 'project.created': {
        const { name, description } = p;
        await writeFields(tx, p.projectId as string, { _created: created({}), name, description }, stamp);
        return this.materializeProject(tx, p.projectId as string);
      }
      case 'project.updated':
        await writeFields(tx, p.projectId as string, p.fields!, stamp);
        return this.materializeProject(tx, p.projectId as string);
      case 'project.milestoneCreated': {
        const meta = created({ projectId: p.projectId as string });
        await writeFields(
          tx,
          p.milestoneId as string,
          { _created: meta, title: p.title, dueDate: p.dueDate },
          stamp,
        );
        return this.materializeMilestone(tx, p.milestoneId as string);
      }
      case 'project.milestoneUpdated':
        await writeFields(tx, p.milestoneId as string, p.fields!, stamp);
        return this.materializeMilestone(tx, p.milestoneId as string);
      case 'project.taskCreated': {
        const { orgId: _o, projectId, taskId, versionId, ...fields } = p;
        const meta = created({ projectId: projectId as string, versionId: versionId as string });
        await writeFields(tx, taskId as string, { _created: meta, ...fields }, stamp);
        await recordEvent(tx, op, p.orgId, taskId as string);
        return this.materializeTask(tx, taskId as string);
      }
      case 'project.taskUpdated':
        await writeFields(tx, p.taskId as string, p.fields!, stamp);
        return this.materializeTask(tx, p.taskId as string);
      case 'project.taskMoved':
        await recordEvent(tx, op, p.orgId, p.taskId as string);
        return this.materializeTask(tx, p.taskId as string);
    }
  }

  private async materializeProject(tx: EntityManager, projectId: string): Promise<void> {
    const { values: f } = await readFields(tx, projectId);
    const c = f._created as Created | undefined;
    if (!c) return;
    await tx.query(
      `INSERT INTO project (id, org_id, name, description, created_by, created_hlc) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET org_id = excluded.org_id, name = excluded.name, description = excluded.description,
         created_by = excluded.created_by, created_hlc = excluded.created_hlc`,
      [projectId, c.orgId, f.name, f.description, c.actor, c.hlc],
    );
  }

  private async materializeMilestone(tx: EntityManager, milestoneId: string): Promise<void> {
    const { values: f } = await readFields(tx, milestoneId);
    const c = f._created as Created | undefined;
    if (!c) return;
    await tx.query(
      `INSERT INTO milestone (id, org_id, project_id, title, due_date, created_hlc) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET org_id = excluded.org_id, project_id = excluded.project_id, title = excluded.title,
         due_date = excluded.due_date, created_hlc = excluded.created_hlc`,
      [milestoneId, c.orgId, c.projectId, f.title, f.dueDate ?? null, c.hlc],
    );
  }

  private async materializeTask(tx: EntityManager, taskId: string): Promise<void> {
    const { values: f, updatedHlc } = await readFields(tx, taskId);
    const c = f._created as Created | undefined;
    if (!c) return;
    const events = await loadEvents(tx, taskId);
    const def = await taskStatusDefinition(tx, c.versionId as string);
    // Until its status workflow version arrives, a task's status is unknown ('').
    const instance = def ? replay(def, events) : null;
    // HLC strings sort in time order.
    const updated = [updatedHlc, ...events.map((e) => e.at)].sort().at(-1);
    await tx.query(
      `INSERT INTO task (id, org_id, project_id, milestone_id, title, description, assignee, due_date, labels, version_id,
         status, status_conflicts, created_by, created_hlc, updated_hlc)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET org_id = excluded.org_id, project_id = excluded.project_id,
         milestone_id = excluded.milestone_id, title = excluded.title, description = excluded.description,
         assignee = excluded.assignee, due_date = excluded.due_date, labels = excluded.labels,
         version_id = excluded.version_id, status = excluded.status, status_conflicts = excluded.status_conflicts,
         created_by = excluded.created_by, created_hlc = excluded.created_hlc, updated_hlc = excluded.updated_hlc`,
      [
        taskId,
        c.orgId,
        c.projectId,
        f.milestoneId ?? null,
        f.title,
        f.description ?? '',
        f.assignee ?? null,
        f.dueDate ?? null,
        JSON.stringify(f.labels ?? []),
        c.versionId,
        instance?.state ?? '',
        instance?.conflicts.length ?? 0,
        c.actor,
        c.hlc,
        updated,
      ],
    );
  }

  async stateRows(tx: EntityManager, rootOrg: string): Promise<unknown[]> {
    const inOrg = 'org_id IN (SELECT id FROM org WHERE root_id = ?)';
    return [
      await tx.query(
        `SELECT id, org_id, name, description, created_by, created_hlc FROM project WHERE ${inOrg} ORDER BY id`,
        [rootOrg],
      ),
      await tx.query(
        `SELECT id, org_id, project_id, title, due_date, created_hlc FROM milestone WHERE ${inOrg} ORDER BY id`,
        [rootOrg],
      ),
      await tx.query(
        `SELECT id, org_id, project_id, milestone_id, title, description, assignee, due_date, labels, version_id, status,
           status_conflicts, created_by, created_hlc, updated_hlc FROM task WHERE ${inOrg} ORDER BY id`,
        [rootOrg],
      ),
    ];
  }

  async clear(tx: EntityManager): Promise<void> {
    for (const table of ['task', 'milestone', 'project', 'project_field'])
      await tx.query(`DELETE FROM ${table}`);
  }
}
