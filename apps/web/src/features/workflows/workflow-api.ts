import type { RJSFSchema } from '@rjsf/utils';

export interface WorkflowState {
  id: string;
  label: string | null;
  initial: boolean;
  final: boolean;
  assigneeRoles: string[];
}

export interface WorkflowTransition {
  id: string;
  name: string;
  from: string;
  to: string;
  roles: string[];
  requiredFields: string[];
  condition: unknown;
  conditionMessage: string | null;
}

export interface Workflow {
  id: string;
  key: string;
  name: string;
  version: number;
  startRoles: string[];
  roles: string[];
  form: RJSFSchema;
  states: WorkflowState[];
  transitions: WorkflowTransition[];
  definition: Record<string, unknown>;
  publishedAt: string;
}

export interface HistoryEntry {
  id: string;
  type: string;
  status: string;
  reason: string | null;
  actorId: string | null;
  at: string;
  transitionId: string | null;
  fromState: string | null;
  toState: string | null;
  text: string | null;
  assigneeId: string | null;
  /** Set on migrations: the versions the item moved between. */
  fromVersion: number | null;
  toVersion: number | null;
}

export interface WorkflowItem {
  id: string;
  title: string;
  state: string;
  closed: boolean;
  assigneeId: string | null;
  waitingOnRoles: string[];
  data: Record<string, unknown>;
  conflictCount: number;
  startedById: string | null;
  createdAt: string;
  updatedAt: string;
  workflowId: string;
}

export interface ItemDetail extends WorkflowItem {
  workflow: Workflow;
  availableTransitions: { id: string; name: string; to: string; allowed: boolean; reasons: string[] }[];
  history: HistoryEntry[];
}

const WORKFLOW_FIELDS = `id key name version startRoles roles form publishedAt
  states { id label initial final assigneeRoles }
  transitions { id name from to roles requiredFields condition conditionMessage }`;
const ITEM_FIELDS =
  'id title state closed assigneeId waitingOnRoles data conflictCount startedById createdAt updatedAt workflowId';

export const WORKFLOWS = `query Workflows($orgId: ID!) { workflows(orgId: $orgId, first: 50) { nodes { id key name version startRoles states { id label } } } }`;
export const WORKFLOW = `query Workflow($orgId: ID!, $id: ID!) { workflow(orgId: $orgId, id: $id) { ${WORKFLOW_FIELDS} definition } }`;
export const INBOX = `query WorkflowInbox($orgId: ID!) {
  workflowInbox(orgId: $orgId, first: 50) { nodes { ${ITEM_FIELDS} workflow { id name states { id label } } } } }`;
export const OPEN_ITEMS = `query OpenWorkflowItems($orgId: ID!) {
  workflowItems(orgId: $orgId, open: true, first: 50) { nodes { ${ITEM_FIELDS} workflow { id name states { id label } } } } }`;
export const ITEM = `query WorkflowItem($orgId: ID!, $id: ID!) {
  workflowItem(orgId: $orgId, id: $id) {
    ${ITEM_FIELDS}
    workflow { ${WORKFLOW_FIELDS} }
    availableTransitions { id name to allowed reasons }
    history { id type status reason actorId at transitionId fromState toState text assigneeId fromVersion toVersion }
  } }`;
export const START_ITEM = `mutation StartWorkflowItem($input: StartWorkflowItemInput!) { startWorkflowItem(input: $input) { id } }`;
export const TAKE_TRANSITION = `mutation TakeWorkflowTransition($input: TakeWorkflowTransitionInput!) {
  takeWorkflowTransition(input: $input) { id state } }`;
export const COMMENT_ITEM = `mutation CommentOnWorkflowItem($input: CommentOnWorkflowItemInput!) { commentOnWorkflowItem(input: $input) { id } }`;
export const DEFINE_WORKFLOW = `mutation DefineWorkflow($input: DefineWorkflowInput!) { defineWorkflow(input: $input) { id version } }`;
export const PUBLISH_WORKFLOW = `mutation PublishWorkflowVersion($input: PublishWorkflowVersionInput!) {
  publishWorkflowVersion(input: $input) { id version } }`;

export type ItemSummary = WorkflowItem & {
  workflow: { id: string; name: string; states: { id: string; label: string | null }[] };
};

export function stateLabel(states: { id: string; label: string | null }[], id: string | null): string {
  if (!id) return '';
  return states.find((s) => s.id === id)?.label || id;
}
