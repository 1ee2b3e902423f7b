import { hlcToDate } from '../common/hlc-time.js';
import type { Milestone, Project, Task } from './dtos/project.types.js';
import type { MilestoneRow, ProjectRow } from './projects.service.js';
import type { TaskRow } from './tasks.service.js';

export const toProject = (r: ProjectRow): Project => ({
  id: r.id,
  orgId: r.org_id,
  name: r.name,
  description: r.description,
  createdById: r.created_by,
  createdAt: hlcToDate(r.created_hlc),
});

export const toMilestone = (r: MilestoneRow): Milestone => ({
  id: r.id,
  projectId: r.project_id,
  title: r.title,
  dueDate: r.due_date,
});

export const toTask = (r: TaskRow): Task => ({
  id: r.id,
  orgId: r.org_id,
  projectId: r.project_id,
  milestoneId: r.milestone_id,
  title: r.title,
  description: r.description,
  assigneeId: r.assignee,
  dueDate: r.due_date,
  labels: JSON.parse(r.labels),
  status: r.status,
  statusVersionId: r.version_id,
  statusConflicts: r.status_conflicts,
  createdById: r.created_by,
  createdAt: hlcToDate(r.created_hlc),
  updatedAt: hlcToDate(r.updated_hlc),
});
