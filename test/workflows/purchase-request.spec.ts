/**
 * Acceptance: an organisation defines a purchase request workflow and runs
 * items through it over GraphQL on a real gateway.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startTestGateway, type TestGateway } from '../support/gateway-harness.js';
import { createOrg, grantRole, ITEM_FIELDS, PURCHASE_REQUEST, type TestOrg } from './org-fixture.js';

const DEFINE = `mutation ($input: DefineWorkflowInput!) {
  defineWorkflow(input: $input) { id key version versionId startRoles states { id initial final } } }`;
const START = `mutation ($input: StartWorkflowItemInput!) { startWorkflowItem(input: $input) { ${ITEM_FIELDS} } }`;
const TAKE = `mutation ($input: TakeWorkflowTransitionInput!) { takeWorkflowTransition(input: $input) { ${ITEM_FIELDS} } }`;
const INBOX = 'query ($o: ID!) { workflowInbox(orgId: $o) { nodes { id state } } }';

describe('purchase request workflow over GraphQL', () => {
  let gw: TestGateway;
  let org: TestOrg;
  let workflowId: string;
  const inboxOf = async (name: string) =>
    (await org.members[name].client.gql(INBOX, { o: org.orgId })).workflowInbox.nodes.map(
      (n: { id: string }) => n.id,
    );

  beforeAll(async () => {
    gw = await startTestGateway();
    org = await createOrg(gw, 'village', {
      ada: 'member',
      tom: 'member',
      bea: 'member',
      max: 'member',
      dan: 'member',
    });
    await grantRole(org, org.members.ada, 'requester');
    await grantRole(org, org.members.tom, 'treasurer');
    await grantRole(org, org.members.bea, 'board');
    await grantRole(org, org.members.dan, 'designer');
  });
  afterAll(async () => {
    await gw.close();
    removeDir(gw.dataDir);
  });

  it('rejects a definition with an unreachable state, naming it', async () => {
    const broken = {
      ...PURCHASE_REQUEST,
      key: 'broken',
      states: [...PURCHASE_REQUEST.states, { id: 'archived', final: true }],
    };
    const res = await org.owner.client.request(DEFINE, { input: { orgId: org.orgId, definition: broken } });
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0].message).toContain('state "archived" is unreachable');
    expect(res.errors?.[0].extensions?.fields?.[0].message).toContain('"archived"');
  });

  it('lets admins and designers define workflows, nobody else', async () => {
    const input = { orgId: org.orgId, definition: { ...PURCHASE_REQUEST, key: 'leave' } };
    expect(await org.members.max.client.failure(DEFINE, { input })).toBe('FORBIDDEN');
    const { defineWorkflow } = await org.members.dan.client.gql(DEFINE, { input });
    expect(defineWorkflow).toMatchObject({ key: 'leave', version: 1, startRoles: ['member'] });

    const created = await org.owner.client.gql(DEFINE, {
      input: { orgId: org.orgId, definition: PURCHASE_REQUEST, startRoles: ['requester'] },
    });
    workflowId = created.defineWorkflow.id;
    expect(created.defineWorkflow.states.find((s: { initial: boolean }) => s.initial).id).toBe('draft');
    expect(
      await org.owner.client.failure(DEFINE, { input: { orgId: org.orgId, definition: PURCHASE_REQUEST } }),
    ).toBe('CONFLICT');
  });

  it('refuses an invalid form with one error per field', async () => {
    const res = await org.members.ada.client.request(START, {
      input: { orgId: org.orgId, workflowId, title: 'Bad', data: { amount: -5, reason: '' } },
    });
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const fields = res.errors?.[0].extensions?.fields ?? [];
    expect(fields.map((f) => f.field).sort()).toEqual(['amount', 'reason']);
  });

  it('only lets holders of a start role start an item', async () => {
    const input = { orgId: org.orgId, workflowId, title: 'Cable', data: { amount: 20, reason: 'cable' } };
    expect(await org.members.max.client.failure(START, { input })).toBe('FORBIDDEN');
  });

  it('runs a small request: requester submits, treasurer approves', async () => {
    const ada = org.members.ada.client;
    const { startWorkflowItem: item } = await ada.gql(START, {
      input: {
        orgId: org.orgId,
        workflowId,
        title: 'Projector cable',
        data: { amount: 120, reason: 'talks' },
      },
    });
    expect(item).toMatchObject({ state: 'draft', assigneeId: org.members.ada.id, closed: false });
    expect(await inboxOf('ada')).toContain(item.id);

    const submitted = (
      await ada.gql(TAKE, { input: { orgId: org.orgId, itemId: item.id, transitionId: 'submit' } })
    ).takeWorkflowTransition;
    expect(submitted).toMatchObject({
      state: 'submitted',
      assigneeId: null,
      waitingOnRoles: ['board', 'treasurer'],
    });
    expect(await inboxOf('ada')).not.toContain(item.id);
    expect(await inboxOf('tom')).toContain(item.id);
    expect(await inboxOf('bea')).toContain(item.id);
    expect(await inboxOf('max')).not.toContain(item.id);

    const approve = { input: { orgId: org.orgId, itemId: item.id, transitionId: 'approve' } };
    expect(await org.members.max.client.failure(TAKE, approve)).toBe('FORBIDDEN');
    expect(await ada.failure(TAKE, approve)).toBe('FORBIDDEN');
    const approved = (await org.members.tom.client.gql(TAKE, approve)).takeWorkflowTransition;
    expect(approved).toMatchObject({ state: 'approved', closed: true });
    expect(await inboxOf('tom')).not.toContain(item.id);
    expect(await org.members.tom.client.failure(TAKE, approve)).toBe('CONFLICT');
  });

  it('sends large amounts to the board and rejected requests back to the requester', async () => {
    const [ada, tom, bea] = ['ada', 'tom', 'bea'].map((n) => org.members[n].client);
    const { startWorkflowItem: item } = await ada.gql(START, {
      input: { orgId: org.orgId, workflowId, title: 'Laptops', data: { amount: 900, reason: 'school' } },
    });
    const take = (transitionId: string, extra: Record<string, unknown> = {}) => ({
      input: { orgId: org.orgId, itemId: item.id, transitionId, ...extra },
    });
    await ada.gql(TAKE, take('submit'));

    const tooMuch = await tom.request(TAKE, take('approve'));
    expect(tooMuch.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(tooMuch.errors?.[0].message).toContain('amounts over 500 must be approved by the board');
    const { workflowItem } = await tom.gql(
      'query ($o: ID!, $i: ID!) { workflowItem(orgId: $o, id: $i) { availableTransitions { id allowed reasons } } }',
      { o: org.orgId, i: item.id },
    );
    expect(workflowItem.availableTransitions).toEqual([
      { id: 'approve', allowed: false, reasons: ['amounts over 500 must be approved by the board'] },
      { id: 'reject', allowed: false, reasons: ['rejectionReason is required to take "Reject"'] },
    ]);

    const noReason = await tom.request(TAKE, take('reject'));
    expect(noReason.errors?.[0].extensions?.fields).toEqual([
      { field: 'rejectionReason', message: 'is required to take "Reject"' },
    ]);
    const rejected = (await tom.gql(TAKE, take('reject', { data: { rejectionReason: 'get quotes' } })))
      .takeWorkflowTransition;
    expect(rejected).toMatchObject({ state: 'draft', assigneeId: org.members.ada.id });
    expect(rejected.data).toMatchObject({ amount: 900, rejectionReason: 'get quotes' });
    expect(await inboxOf('ada')).toContain(item.id);
    expect(await inboxOf('tom')).not.toContain(item.id);

    await ada.gql(TAKE, take('submit', { data: { amount: 850, rejectionReason: null } }));
    await tom.gql(
      'mutation ($input: CommentOnWorkflowItemInput!) { commentOnWorkflowItem(input: $input) { id } }',
      { input: { orgId: org.orgId, itemId: item.id, text: 'board, please' } },
    );
    const approved = (await bea.gql(TAKE, take('approve'))).takeWorkflowTransition;
    expect(approved).toMatchObject({
      state: 'approved',
      closed: true,
      data: { amount: 850, reason: 'school' },
    });

    const { workflowItem: done } = await ada.gql(
      `query ($o: ID!, $i: ID!) { workflowItem(orgId: $o, id: $i) {
         history { type status actorId transitionId fromState toState text } workflow { version } } }`,
      { o: org.orgId, i: item.id },
    );
    expect(done.workflow.version).toBe(1);
    expect(
      done.history.map((h: { type: string; transitionId: string | null }) => h.transitionId ?? h.type),
    ).toEqual(['start', 'assign', 'submit', 'reject', 'submit', 'comment', 'approve']);
    expect(done.history.every((h: { status: string }) => h.status === 'applied')).toBe(true);
    expect(done.history[3]).toMatchObject({
      actorId: org.members.tom.id,
      fromState: 'submitted',
      toState: 'draft',
    });
  });

  it('publishes a new version; running items keep theirs', async () => {
    const ada = org.members.ada.client;
    const { startWorkflowItem: old } = await ada.gql(START, {
      input: { orgId: org.orgId, workflowId, title: 'Chairs', data: { amount: 60, reason: 'hall' } },
    });
    const v2 = {
      ...PURCHASE_REQUEST,
      states: PURCHASE_REQUEST.states.map((s) =>
        s.id === 'submitted' ? { ...s, label: 'Waiting for approval' } : s,
      ),
    };
    const { publishWorkflowVersion } = await org.members.dan.client.gql(
      `mutation ($input: PublishWorkflowVersionInput!) {
         publishWorkflowVersion(input: $input) { version startRoles versions { version } } }`,
      { input: { orgId: org.orgId, workflowId, definition: v2 } },
    );
    expect(publishWorkflowVersion).toMatchObject({
      version: 2,
      startRoles: ['requester'],
      versions: [{ version: 1 }, { version: 2 }],
    });
    const { startWorkflowItem: fresh } = await ada.gql(
      'mutation ($input: StartWorkflowItemInput!) { startWorkflowItem(input: $input) { workflow { version } } }',
      { input: { orgId: org.orgId, workflowId, title: 'Tables', data: { amount: 80, reason: 'hall' } } },
    );
    expect(fresh.workflow.version).toBe(2);
    const { takeWorkflowTransition } = await ada.gql(
      'mutation ($input: TakeWorkflowTransitionInput!) { takeWorkflowTransition(input: $input) { state workflow { version } } }',
      { input: { orgId: org.orgId, itemId: old.id, transitionId: 'submit' } },
    );
    expect(takeWorkflowTransition).toEqual({ state: 'submitted', workflow: { version: 1 } });

    const { workflows } = await ada.gql(
      'query ($o: ID!) { workflows(orgId: $o) { nodes { key version } } }',
      {
        o: org.orgId,
      },
    );
    expect(workflows.nodes).toEqual([
      { key: 'leave', version: 1 },
      { key: 'purchase-request', version: 2 },
    ]);
  });

  it('runs items in a department with the organisation’s workflow and roles', async () => {
    const { createDepartment } = await org.owner.client.gql(
      'mutation ($p: ID!, $input: CreateOrganizationInput!) { createDepartment(parentId: $p, input: $input) { id } }',
      { p: org.orgId, input: { name: 'School', slug: 'village-school' } },
    );
    const { startWorkflowItem: item } = await org.members.ada.client.gql(START, {
      input: {
        orgId: createDepartment.id,
        workflowId,
        title: 'Chalk',
        data: { amount: 5, reason: 'lessons' },
      },
    });
    expect(item.assigneeId).toBe(org.members.ada.id);
    await org.members.ada.client.gql(TAKE, {
      input: { orgId: createDepartment.id, itemId: item.id, transitionId: 'submit' },
    });
    expect(await inboxOf('tom')).toContain(item.id);
  });

  it('lists items by filter, and takes a custom role back', async () => {
    const { workflowItems } = await org.members.max.client.gql(
      'query ($o: ID!, $w: ID) { workflowItems(orgId: $o, workflowId: $w, open: false) { nodes { state } } }',
      { o: org.orgId, w: workflowId },
    );
    expect(workflowItems.nodes.map((n: { state: string }) => n.state)).toEqual(['approved', 'approved']);
    const { workflowRoles } = await org.members.max.client.gql(
      'query ($o: ID!) { workflowRoles(orgId: $o) { accountId role } }',
      { o: org.orgId },
    );
    expect(workflowRoles).toContainEqual({ accountId: org.members.tom.id, role: 'treasurer' });

    const revoke = 'mutation ($input: WorkflowRoleInput!) { revokeWorkflowRole(input: $input) }';
    const input = { orgId: org.orgId, accountId: org.members.tom.id, role: 'treasurer' };
    expect(await org.members.max.client.failure(revoke, { input })).toBe('FORBIDDEN');
    await org.owner.client.gql(revoke, { input });
    expect(await inboxOf('tom')).toEqual([]);
  });
});
