/** Acceptance: projects with milestones and tasks; task status moves through a workflow the organisation can change. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startTestGateway, type TestGateway } from '../support/gateway-harness.js';
import { createOrg, type TestOrg } from './org-fixture.js';

const TASK = 'id status labels assigneeId dueDate milestoneId statusVersionId';
const CREATE_TASK = `mutation ($input: CreateTaskInput!) { createTask(input: $input) { ${TASK} } }`;
const MOVE = `mutation ($input: MoveTaskInput!) { moveTask(input: $input) { ${TASK} } }`;
const BOARD = `query ($o: ID!, $p: ID!) { project(orgId: $o, id: $p) {
  milestones { title dueDate } board(perColumn: 5) { status label count tasks { id } } } }`;

describe('projects and tasks over GraphQL', () => {
  let gw: TestGateway;
  let org: TestOrg;
  let projectId: string;
  let milestoneId: string;
  let seeds: string;

  const as = (name: string) => (name === 'owner' ? org.owner.client : org.members[name].client);
  const move = (name: string, taskId: string, toStatus: string) =>
    as(name).request(MOVE, { input: { orgId: org.orgId, taskId, toStatus } });
  const board = async () => (await as('mia').gql(BOARD, { o: org.orgId, p: projectId })).project;

  beforeAll(async () => {
    gw = await startTestGateway();
    org = await createOrg(gw, 'garden', { ed: 'editor', mia: 'member', vic: 'viewer' });
  });
  afterAll(async () => {
    await gw.close();
    removeDir(gw.dataDir);
  });

  it('lets editors create projects and milestones', async () => {
    const create = 'mutation ($input: CreateProjectInput!) { createProject(input: $input) { id name } }';
    const input = { orgId: org.orgId, name: 'Community garden', description: 'Beds behind the school' };
    expect(await as('mia').failure(create, { input })).toBe('FORBIDDEN');
    projectId = (await as('ed').gql(create, { input })).createProject.id;
    const { createMilestone } = await as('ed').gql(
      'mutation ($input: CreateMilestoneInput!) { createMilestone(input: $input) { id dueDate } }',
      { input: { orgId: org.orgId, projectId, title: 'Spring planting', dueDate: '2027-04-01' } },
    );
    milestoneId = createMilestone.id;
    const bad = await as('ed').request(
      'mutation ($input: CreateMilestoneInput!) { createMilestone(input: $input) { id } }',
      { input: { orgId: org.orgId, projectId, title: 'x', dueDate: 'April' } },
    );
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('lets members add tasks with assignee, due date, labels and milestone', async () => {
    const { createTask } = await as('mia').gql(CREATE_TASK, {
      input: {
        orgId: org.orgId,
        projectId,
        title: 'Buy seeds',
        labels: ['shopping'],
        assigneeId: org.members.mia.id,
        dueDate: '2027-03-15',
        milestoneId,
      },
    });
    seeds = createTask.id;
    expect(createTask).toMatchObject({
      status: 'todo',
      labels: ['shopping'],
      assigneeId: org.members.mia.id,
    });
    expect(createTask.statusVersionId).toBe('builtin.task-status.1');
    const outsider = await as('mia').request(CREATE_TASK, {
      input: { orgId: org.orgId, projectId, title: 'x', assigneeId: 'nobody' },
    });
    expect(outsider.errors?.[0].extensions?.fields).toEqual([
      { field: 'assigneeId', message: 'not a member of this organisation' },
    ]);
    expect(await as('vic').failure(CREATE_TASK, { input: { orgId: org.orgId, projectId, title: 'x' } })).toBe(
      'FORBIDDEN',
    );
    await as('ed').gql(CREATE_TASK, {
      input: { orgId: org.orgId, projectId, title: 'Dig beds', labels: ['work'] },
    });
  });

  it('moves task status through the default workflow', async () => {
    expect((await move('vic', seeds, 'doing')).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await move('mia', seeds, 'doing')).data?.moveTask.status).toBe('doing');
    const skip = await move('mia', seeds, 'archived');
    expect(skip.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(skip.errors?.[0].message).toContain('from "doing" to "archived"');
    const { task } = await as('mia').gql(
      'query ($o: ID!, $t: ID!) { task(orgId: $o, id: $t) { availableMoves statusHistory { type transitionId } } }',
      { o: org.orgId, t: seeds },
    );
    expect(task.availableMoves).toEqual(['todo', 'done']);
    expect(task.statusHistory.map((h: { transitionId: string | null }) => h.transitionId)).toEqual([
      null,
      'start',
    ]);
  });

  it('edits fields; null clears them', async () => {
    const { updateTask } = await as('ed').gql(
      `mutation ($input: UpdateTaskInput!) { updateTask(input: $input) { ${TASK} title } }`,
      { input: { orgId: org.orgId, taskId: seeds, labels: ['shopping', 'urgent'], assigneeId: null } },
    );
    expect(updateTask).toMatchObject({
      title: 'Buy seeds',
      labels: ['shopping', 'urgent'],
      assigneeId: null,
      dueDate: '2027-03-15',
      milestoneId,
      status: 'doing',
    });
  });

  it('serves a board and a filtered list view', async () => {
    const p = await board();
    expect(p.milestones).toEqual([{ title: 'Spring planting', dueDate: '2027-04-01' }]);
    expect(p.board.map((c: { status: string; count: number }) => [c.status, c.count])).toEqual([
      ['todo', 1],
      ['doing', 1],
      ['done', 0],
      ['archived', 0],
    ]);
    expect(p.board[1].tasks).toEqual([{ id: seeds }]);
    const list = async (args: Record<string, unknown>) =>
      (
        await as('vic').gql(
          `query ($o: ID!, $p: ID!, $s: String, $l: String, $m: ID) {
             tasks(orgId: $o, projectId: $p, status: $s, label: $l, milestoneId: $m, first: 10) { nodes { title } } }`,
          { o: org.orgId, p: projectId, ...args },
        )
      ).tasks.nodes.map((n: { title: string }) => n.title);
    expect(await list({})).toEqual(['Dig beds', 'Buy seeds']);
    expect(await list({ l: 'urgent' })).toEqual(['Buy seeds']);
    expect(await list({ s: 'todo' })).toEqual(['Dig beds']);
    expect(await list({ m: milestoneId })).toEqual(['Buy seeds']);
  });

  it('follows the organisation’s own status workflow for new tasks; old tasks keep theirs', async () => {
    const custom = {
      key: 'task-status',
      name: 'Garden task status',
      states: [
        { id: 'todo', label: 'To do', initial: true },
        { id: 'review', label: 'Review' },
        { id: 'done', label: 'Done', final: true },
      ],
      transitions: [
        { id: 'submit', name: 'Ask for review', from: 'todo', to: 'review', roles: ['member'] },
        { id: 'accept', name: 'Accept', from: 'review', to: 'done', roles: ['editor'] },
        { id: 'return', name: 'Return', from: 'review', to: 'todo', roles: ['editor'] },
      ],
      form: { type: 'object', properties: {} },
    };
    await as('owner').gql(
      'mutation ($input: DefineWorkflowInput!) { defineWorkflow(input: $input) { id } }',
      {
        input: { orgId: org.orgId, definition: custom },
      },
    );
    const { taskStatusWorkflow } = await as('mia').gql(
      'query ($o: ID!) { taskStatusWorkflow(orgId: $o) { key version states { id } } }',
      { o: org.orgId },
    );
    expect(taskStatusWorkflow.states.map((s: { id: string }) => s.id)).toEqual(['todo', 'review', 'done']);

    const { createTask: fence } = await as('mia').gql(CREATE_TASK, {
      input: { orgId: org.orgId, projectId, title: 'Mend the fence' },
    });
    expect(fence.statusVersionId).not.toBe('builtin.task-status.1');
    expect((await move('mia', fence.id, 'review')).data?.moveTask.status).toBe('review');
    expect((await move('mia', fence.id, 'done')).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await move('ed', fence.id, 'done')).data?.moveTask.status).toBe('done');
    expect((await move('mia', seeds, 'done')).data?.moveTask.status).toBe('done');

    const columns = (await board()).board.map((c: { status: string; count: number }) => [c.status, c.count]);
    expect(columns).toEqual([
      ['todo', 1],
      ['review', 0],
      ['done', 2],
    ]);
  });
});
