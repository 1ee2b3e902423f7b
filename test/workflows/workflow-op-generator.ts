/**
 * Random but well-formed logs of workflow, decision and project ops from
 * several gateway identities, for order-independence properties. Steps of
 * different authors are concurrent (no author sees another's ops), so they
 * produce competing transitions, moves, votes and field edits.
 */
import type { GatewayIdentity, Op } from '@gatehouse/mesh';
import fc from 'fast-check';
import {
  BUILTIN_TASK_STATUS_ID,
  DEFAULT_TASK_STATUS_WORKFLOW,
} from '../../apps/gateway/src/projects/task-status.workflow.js';
import { type Author, appendOp } from '../foundation/op-generator.js';
import { PURCHASE_REQUEST } from './org-fixture.js';

const ACCOUNTS = ['acc-0', 'acc-1', 'acc-2'];

/** Version 3 renames "submitted" to "review", so migrations to it need a state map. */
const renamed = (id: string) => (id === 'submitted' ? 'review' : id);
const PR_V3 = {
  ...PURCHASE_REQUEST,
  states: PURCHASE_REQUEST.states.map((s) => ({ ...s, id: renamed(s.id) })),
  transitions: PURCHASE_REQUEST.transitions.map((t) => ({ ...t, from: renamed(t.from), to: renamed(t.to) })),
};
const PR_STATES = PURCHASE_REQUEST.states.map((s) => s.id);

export type Step =
  | { kind: 'start'; author: number; item: number; amount: number; v2: boolean }
  | { kind: 'transition'; author: number; item: number; transition: number; v3: boolean }
  | {
      kind: 'migrate';
      author: number;
      item: number;
      to: 'v2' | 'v3';
      fromV2: boolean;
      from: number;
      data: boolean;
    }
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
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('start' as const),
        author,
        item,
        amount: fc.nat({ max: 900 }),
        v2: fc.boolean(),
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('transition' as const),
        author,
        item,
        transition: fc.nat({ max: 3 }),
        v3: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, fc.constant(true)),
      }),
    },
    fc.record({
      kind: fc.constant('migrate' as const),
      author,
      item,
      to: fc.constantFrom('v2' as const, 'v3' as const),
      fromV2: fc.boolean(),
      // Mostly the states an item waits in (draft, submitted), sometimes a final one.
      from: fc.oneof(
        { weight: 3, arbitrary: fc.constant(0) },
        { weight: 2, arbitrary: fc.constant(1) },
        fc.nat({ max: PR_STATES.length - 1 }),
      ),
      data: fc.boolean(),
    }),
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

/** Author 0 sets up the organisation, the workflow (v1 and v3), a decision and a project; then the steps. */
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
  // v3 is there from the start (v2 comes with a step), so that migrations often find their target.
  publish(first, `${orgId}-v3`, 'purchase-request', 3, PR_V3);
  at(first, ACCOUNTS[0], 'decision.created', `${orgId}-d`, {
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
        const t = (step.v3 ? PR_V3 : PURCHASE_REQUEST).transitions[step.transition];
        at(author, actor, 'workflow.itemTransitioned', item, {
          itemId: item,
          transitionId: t.id,
          fromState: t.from,
          ...(t.id === 'reject' ? { data: { rejectionReason: 'no' }, assignee: null } : {}),
        });
        break;
      }
      case 'migrate': {
        // Blind, like the transitions: it claims a state the item may not be in, from a version it may not run.
        const fromState = PR_STATES[step.from];
        const fromVersion = step.to === 'v3' && step.fromV2 ? 2 : 1;
        at(author, ACCOUNTS[0], 'workflow.itemMigrated', item, {
          itemId: item,
          toVersionId: `${orgId}-${step.to}`,
          fromVersion,
          toVersion: step.to === 'v3' ? 3 : 2,
          fromState,
          toState: step.to === 'v3' ? renamed(fromState) : fromState,
          ...(step.data ? { data: { reason: `migrated by ${step.author}` } } : {}),
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
        at(author, ACCOUNTS[0], 'workflow.roleGranted', `${orgId}/${ACCOUNTS[step.who]}/treasurer`, {
          accountId: ACCOUNTS[step.who],
          role: 'treasurer',
          granted: step.granted,
        });
        break;
      case 'vote':
        at(author, ACCOUNTS[step.voter], 'decision.voted', `${orgId}-d/${ACCOUNTS[step.voter]}`, {
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

/** What each of three gateways does, apart, with a purchase request all of them saw submitted. */
export interface Race {
  actions: ('approve' | 'reject' | 'migrate')[];
  /** How far each gateway's clock is ahead of the submission (ties are broken by gateway id). */
  offsets: number[];
  /** Whether each goes on from its own result: resubmits, or approves on the new version. */
  followUps: boolean[];
}

export const raceArb: fc.Arbitrary<Race> = fc.record({
  actions: fc.array(fc.constantFrom('approve' as const, 'reject' as const, 'migrate' as const), {
    minLength: 3,
    maxLength: 3,
  }),
  offsets: fc.array(fc.nat({ max: 2 }), { minLength: 3, maxLength: 3 }),
  followUps: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
});

/**
 * Author 0 sets up an organisation with versions 1 and 2 of the purchase
 * request (2 renames "submitted" to "review"), starts an item and submits it.
 * Then each author, seeing only that, approves it, rejects it or migrates it
 * to version 2, each op pinned to the submission like the gateway's are.
 */
export function buildRace(
  orgId: string,
  identities: GatewayIdentity[],
  race: Race,
): { orgId: string; authors: Author[]; item: string; submitted: Op; contenders: Op[] } {
  const authors: Author[] = identities.map((identity) => ({ identity, ops: [], wall: 1_000 }));
  const at = (author: Author, actor: string, kind: string, entity: string, payload: object) =>
    appendOp(author, { org: orgId, actor, kind, entity, payload: { orgId, ...payload } as never });
  const [first] = authors;
  appendOp(first, {
    org: orgId,
    actor: ACCOUNTS[0],
    kind: 'org.created',
    entity: orgId,
    payload: { id: orgId, parentId: null, slug: 'race', name: 'Race', description: '' },
  });
  const versions = { v1: PURCHASE_REQUEST, v2: { ...PR_V3, version: 2 } };
  for (const [name, def] of Object.entries(versions)) {
    const version = name === 'v1' ? 1 : 2;
    at(first, ACCOUNTS[0], 'workflow.published', 'wf', {
      workflowId: 'wf',
      versionId: `${orgId}-${name}`,
      key: 'purchase-request',
      version,
      definition: JSON.parse(JSON.stringify({ ...def, key: 'purchase-request', version })),
      startRoles: ['member'],
    });
  }
  const item = `${orgId}-item`;
  const started = at(first, ACCOUNTS[0], 'workflow.itemStarted', item, {
    itemId: item,
    workflowId: 'wf',
    versionId: `${orgId}-v1`,
    title: 'Tent',
    data: { amount: 300, reason: 'fair' },
  });
  const submitted = at(first, ACCOUNTS[0], 'workflow.itemTransitioned', item, {
    itemId: item,
    transitionId: 'submit',
    fromState: 'draft',
    fromEventId: started.id,
  });
  const seenWall = first.wall;
  const contenders = authors.map((author, i) => {
    author.wall = Math.max(author.wall, seenWall) + race.offsets[i];
    const transition = (transitionId: string, fromState: string, fromEventId: string, data?: object) =>
      at(author, ACCOUNTS[i], 'workflow.itemTransitioned', item, {
        itemId: item,
        transitionId,
        fromState,
        fromEventId,
        ...(data ? { data } : {}),
      });
    const action = race.actions[i];
    if (action === 'migrate') {
      const op = at(author, ACCOUNTS[0], 'workflow.itemMigrated', item, {
        itemId: item,
        toVersionId: `${orgId}-v2`,
        fromVersion: 1,
        toVersion: 2,
        fromState: 'submitted',
        fromEventId: submitted.id,
        toState: 'review',
      });
      if (race.followUps[i]) transition('approve', 'review', op.id);
      return op;
    }
    if (action === 'reject') {
      const op = transition('reject', 'submitted', submitted.id, { rejectionReason: `from ${i}` });
      if (race.followUps[i]) transition('submit', 'draft', op.id);
      return op;
    }
    return transition('approve', 'submitted', submitted.id);
  });
  return { orgId, authors, item, submitted, contenders };
}
