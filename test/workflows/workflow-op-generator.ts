/**
 * Random but well-formed logs of workflow, decision and project ops from
 * several gateway identities, for order-independence properties. Steps of
 * different authors are concurrent (no author sees another's ops), so they
 * produce competing transitions, moves, votes and field edits.
 */
import type { GatewayIdentity } from '@gatehouse/mesh';
import fc from 'fast-check';
import {
  BUILTIN_TASK_STATUS_ID,
  DEFAULT_TASK_STATUS_WORKFLOW,
} from '../../apps/gateway/src/projects/task-status.workflow.js';
import { type Author, appendOp } from '../foundation/op-generator.js';
import { PURCHASE_REQUEST } from './org-fixture.js';

const ACCOUNTS = ['acc-0', 'acc-1', 'acc-2'];

export type Step =
  | { kind: 'start'; author: number; item: number; amount: number; v2: boolean }
  | { kind: 'transition'; author: number; item: number; transition: number }
  | { kind: 'assign'; author: number; item: number; who: number }
  | { kind: 'comment'; author: number; item: number }
  | { kind: 'publish'; author: number; which: 'v2' | 'ts1' }
  | { kind: 'grant'; author: number; who: number; granted: boolean }
  | { kind: 'vote'; author: number; voter: number; choice: number }
  | { kind: 'close'; author: number }
  | { kind: 'task'; author: number; task: number; custom: boolean }
  | { kind: 'edit'; author: number; task: number; field: number }
  | { kind: 'move'; author: number; task: number; transition: number };

const who = fc.nat({ max: 2 });
export const stepArb = (authors: number): fc.Arbitrary<Step> => {
  const author = fc.nat({ max: authors - 1 });
  const item = fc.nat({ max: 1 });
  return fc.oneof(
    fc.record({
      kind: fc.constant('start' as const),
      author,
      item,
      amount: fc.nat({ max: 900 }),
      v2: fc.boolean(),
    }),
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('transition' as const),
        author,
        item,
        transition: fc.nat({ max: 3 }),
      }),
    },
    fc.record({ kind: fc.constant('assign' as const), author, item, who }),
    fc.record({ kind: fc.constant('comment' as const), author, item }),
    fc.record({
      kind: fc.constant('publish' as const),
      author,
      which: fc.constantFrom('v2' as const, 'ts1' as const),
    }),
    fc.record({ kind: fc.constant('grant' as const), author, who, granted: fc.boolean() }),
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('vote' as const),
        author,
        voter: who,
        choice: fc.nat({ max: 1 }),
      }),
    },
    fc.record({ kind: fc.constant('close' as const), author }),
    fc.record({ kind: fc.constant('task' as const), author, task: item, custom: fc.boolean() }),
    fc.record({ kind: fc.constant('edit' as const), author, task: item, field: fc.nat({ max: 2 }) }),
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('move' as const),
        author,
        task: item,
        transition: fc.nat({ max: 6 }),
      }),
    },
  );
};

/** Author 0 sets up the organisation, the workflow (v1), a decision and a project; then the steps. */
export function buildLog(
  orgId: string,
  identities: GatewayIdentity[],
  steps: Step[],
): { orgId: string; authors: Author[] } {
  const authors: Author[] = identities.map((identity, i) => ({ identity, ops: [], wall: 1_000 * (i + 1) }));
  const at = (
    author: Author,
    actor: string,
    kind: string,
    entity: string,
    payload: Record<string, unknown>,
  ) => appendOp(author, { org: orgId, actor, kind, entity, payload: { orgId, ...payload } as never });
  const [first] = authors;
  appendOp(first, {
    org: orgId,
    actor: ACCOUNTS[0],
    kind: 'org.created',
    entity: orgId,
    payload: { id: orgId, parentId: null, slug: 'test', name: 'Test', description: '' },
  });
  for (const id of ACCOUNTS) {
    appendOp(first, {
      org: orgId,
      actor: ACCOUNTS[0],
      kind: 'member.role',
      entity: `${orgId}/${id}`,
      payload: { orgId, accountId: id, role: id === ACCOUNTS[0] ? 'owner' : 'member' },
    });
  }
  const publish = (author: Author, versionId: string, key: string, version: number, definition: object) =>
    at(author, ACCOUNTS[0], 'workflow.published', `wf-${key}`, {
      workflowId: `wf-${key}`,
      versionId,
      key,
      version,
      definition: JSON.parse(JSON.stringify({ ...definition, key, version })),
      startRoles: ['member'],
    });
  publish(first, `${orgId}-v1`, 'purchase-request', 1, PURCHASE_REQUEST);
  at(first, ACCOUNTS[0], 'decision.created', 'd', {
    decisionId: `${orgId}-d`,
    title: 'Date',
    description: '',
    method: 'majority',
    options: [
      { id: 'o1', label: 'June' },
      { id: 'o2', label: 'July' },
    ],
    voterRoles: ['member'],
    quorum: 2,
    deadline: 2_500,
  });
  at(first, ACCOUNTS[0], 'project.created', 'p', { projectId: `${orgId}-p`, name: 'Fair', description: '' });

  for (const step of steps) {
    const author = authors[step.author];
    const actor = ACCOUNTS[step.author % ACCOUNTS.length];
    const item = `${orgId}-i${'item' in step ? step.item : 0}`;
    const task = `${orgId}-t${'task' in step ? step.task : 0}`;
    switch (step.kind) {
      case 'start':
        at(author, actor, 'workflow.itemStarted', item, {
          itemId: item,
          workflowId: 'wf-purchase-request',
          versionId: `${orgId}-${step.v2 ? 'v2' : 'v1'}`,
          title: 'Item',
          data: { amount: step.amount, reason: 'r' },
        });
        break;
      case 'transition': {
        const t = PURCHASE_REQUEST.transitions[step.transition];
        at(author, actor, 'workflow.itemTransitioned', item, {
          itemId: item,
          transitionId: t.id,
          fromState: t.from,
          ...(t.id === 'reject' ? { data: { rejectionReason: 'no' }, assignee: null } : {}),
        });
        break;
      }
      case 'assign':
        at(author, actor, 'workflow.itemAssigned', item, { itemId: item, assignee: ACCOUNTS[step.who] });
        break;
      case 'comment':
        at(author, actor, 'workflow.itemCommented', item, { itemId: item, text: `from ${step.author}` });
        break;
      case 'publish':
        if (step.which === 'v2')
          publish(author, `${orgId}-v2`, 'purchase-request', 2, { ...PURCHASE_REQUEST, name: 'PR 2' });
        else publish(author, `${orgId}-ts1`, 'task-status', 1, DEFAULT_TASK_STATUS_WORKFLOW);
        break;
      case 'grant':
        at(author, ACCOUNTS[0], 'workflow.roleGranted', 'g', {
          accountId: ACCOUNTS[step.who],
          role: 'treasurer',
          granted: step.granted,
        });
        break;
      case 'vote':
        at(author, ACCOUNTS[step.voter], 'decision.voted', 'v', {
          decisionId: `${orgId}-d`,
          choices: [`o${step.choice + 1}`],
          reason: '',
        });
        break;
      case 'close':
        at(author, actor, 'decision.closed', `${orgId}-d`, { decisionId: `${orgId}-d` });
        break;
      case 'task':
        at(author, actor, 'project.taskCreated', task, {
          projectId: `${orgId}-p`,
          taskId: task,
          versionId: step.custom ? `${orgId}-ts1` : BUILTIN_TASK_STATUS_ID,
          title: `Task by ${step.author}`,
          description: '',
          assignee: null,
          dueDate: null,
          labels: [],
          milestoneId: null,
        });
        break;
      case 'edit': {
        const fields = [{ title: `T${step.author}` }, { labels: [`l${step.author}`] }, { assignee: actor }][
          step.field
        ];
        at(author, actor, 'project.taskUpdated', task, { taskId: task, fields });
        break;
      }
      case 'move': {
        const t = DEFAULT_TASK_STATUS_WORKFLOW.transitions[step.transition];
        at(author, actor, 'project.taskMoved', task, { taskId: task, transitionId: t.id, fromState: t.from });
        break;
      }
    }
  }
  return { orgId, authors };
}
