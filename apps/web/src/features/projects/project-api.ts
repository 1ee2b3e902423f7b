export interface Task {
  id: string;
  title: string;
  status: string;
  assigneeId: string | null;
  dueDate: string | null;
  milestoneId: string | null;
  labels: string[];
  availableMoves: string[];
}

export interface Column {
  status: string;
  label: string;
  count: number;
  tasks: Task[];
}

export interface Milestone {
  id: string;
  title: string;
  dueDate: string | null;
}

export interface Project {
  id: string;
  name: string;
  description: string;
  milestones: Milestone[];
  board: Column[];
}

export const TASK_FIELDS = 'id title status assigneeId dueDate milestoneId labels availableMoves';

/** Board columns hold the oldest tasks of each status, up to this many (the API's complexity limit allows it). */
export const PER_COLUMN = 15;

export const PROJECTS = `query Projects($orgId: ID!) { projects(orgId: $orgId, first: 50) { nodes { id name description } } }`;
export const PROJECT = `query Project($orgId: ID!, $id: ID!) {
  project(orgId: $orgId, id: $id) {
    id name description
    milestones { id title dueDate }
    board(perColumn: ${PER_COLUMN}) { status label count tasks { ${TASK_FIELDS} } }
  } }`;
export const TASKS = `query Tasks($orgId: ID!, $projectId: ID!, $milestoneId: ID, $assigneeId: ID, $after: String) {
  tasks(orgId: $orgId, projectId: $projectId, milestoneId: $milestoneId, assigneeId: $assigneeId, first: 50, after: $after) {
    nodes { ${TASK_FIELDS} }
    pageInfo { hasNextPage endCursor }
  } }`;
export const CREATE_PROJECT = `mutation CreateProject($input: CreateProjectInput!) { createProject(input: $input) { id } }`;
export const CREATE_MILESTONE = `mutation CreateMilestone($input: CreateMilestoneInput!) { createMilestone(input: $input) { id title dueDate } }`;
export const CREATE_TASK = `mutation CreateTask($input: CreateTaskInput!) { createTask(input: $input) { ${TASK_FIELDS} } }`;
export const MOVE_TASK = `mutation MoveTask($input: MoveTaskInput!) { moveTask(input: $input) { ${TASK_FIELDS} } }`;
