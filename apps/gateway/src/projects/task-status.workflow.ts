/**
 * Task statuses move through a workflow. Gatehouse ships this one; an
 * organisation replaces it by defining (or publishing a new version of) a
 * workflow with the key `task-status`. New tasks take the newest version;
 * a task keeps the version it was created with, as workflow items do.
 */
import type { WorkflowDefinition } from '@gatehouse/workflow';
import type { EntityManager } from 'typeorm';
import { definitionOf, type VersionRow, versionRow } from '../workflows/definition-store.js';

export const TASK_STATUS_KEY = 'task-status';
export const BUILTIN_TASK_STATUS_ID = 'builtin.task-status.1';

const MOVERS = ['member'];

export const DEFAULT_TASK_STATUS_WORKFLOW: WorkflowDefinition = {
  key: TASK_STATUS_KEY,
  version: 1,
  name: 'Task status',
  states: [
    { id: 'todo', label: 'To do', initial: true },
    { id: 'doing', label: 'In progress' },
    { id: 'done', label: 'Done' },
    { id: 'archived', label: 'Archived', final: true },
  ],
  transitions: [
    { id: 'start', name: 'Start', from: 'todo', to: 'doing', roles: MOVERS },
    { id: 'complete', name: 'Complete', from: 'todo', to: 'done', roles: MOVERS },
    { id: 'pause', name: 'Back to do', from: 'doing', to: 'todo', roles: MOVERS },
    { id: 'finish', name: 'Finish', from: 'doing', to: 'done', roles: MOVERS },
    { id: 'reopen', name: 'Reopen', from: 'done', to: 'doing', roles: MOVERS },
    { id: 'archive', name: 'Archive', from: 'done', to: 'archived', roles: MOVERS },
    { id: 'drop', name: 'Drop', from: 'todo', to: 'archived', roles: MOVERS },
  ],
  form: { type: 'object', properties: {} },
};

/** The built-in definition as a version row, so it reads like any published one. */
export const BUILTIN_TASK_STATUS_ROW: VersionRow = {
  id: BUILTIN_TASK_STATUS_ID,
  org_id: '',
  workflow_id: BUILTIN_TASK_STATUS_ID,
  key: TASK_STATUS_KEY,
  version: 1,
  name: DEFAULT_TASK_STATUS_WORKFLOW.name,
  definition: JSON.stringify(DEFAULT_TASK_STATUS_WORKFLOW),
  start_roles: JSON.stringify(MOVERS),
  published_by: null,
  published_hlc: '0000000000000.000000',
  stamp: '',
};

/** The definition a task's status runs on, or null while its version has not arrived. */
export async function taskStatusDefinition(
  tx: Pick<EntityManager, 'query'>,
  versionId: string,
): Promise<WorkflowDefinition | null> {
  if (versionId === BUILTIN_TASK_STATUS_ID) return definitionOf(BUILTIN_TASK_STATUS_ROW);
  const row = await versionRow(tx, versionId);
  return row ? definitionOf(row) : null;
}
