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

const MIGRATE = `mutation ($input: MigrateWorkflowItemInput!) {
  migrateWorkflowItem(input: $input) { id state versionId data workflow { version } } }`;
const MIGRATE_ALL = `mutation ($input: MigrateWorkflowItemsInput!) {
  migrateWorkflowItems(input: $input) { id orgId state workflow { version } } }`;
const PUBLISH = `mutation ($input: PublishWorkflowVersionInput!) {
  publishWorkflowVersion(input: $input) { version versionId } }`;

/** Version 3 of the purchase request: "submitted" is now "review", and a cost centre is required. */
const renamed = (id: string) => (id === 'submitted' ? 'review' : id);
const V3 = {
  ...PURCHASE_REQUEST,
  states: PURCHASE_REQUEST.states.map((s) => ({ ...s, id: renamed(s.id) })),
  transitions: PURCHASE_REQUEST.transitions.map((t) => ({ ...t, from: renamed(t.from), to: renamed(t.to) })),
  form: {
    ...PURCHASE_REQUEST.form,
    properties: { ...PURCHASE_REQUEST.form.properties, costCentre: { type: 'string', minLength: 1 } },
    required: ['amount', 'reason', 'costCentre'],
  },
};

describe('purchase request workflow over GraphQL', () => {
  let gw: TestGateway;
  let org: TestOrg;
  let workflowId: string;
  /** Items left open by the versions test (v1, submitted; v2, draft) and the department test (v2, submitted). */
  const open = { onV1: '', onV2: '', inDepartment: '', department: '' };
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
      'mutation ($input: StartWorkflowItemInput!) { startWorkflowItem(input: $input) { id workflow { version } } }',
      { input: { orgId: org.orgId, workflowId, title: 'Tables', data: { amount: 80, reason: 'hall' } } },
    );
    expect(fresh.workflow.version).toBe(2);
    const { takeWorkflowTransition } = await ada.gql(
      'mutation ($input: TakeWorkflowTransitionInput!) { takeWorkflowTransition(input: $input) { state workflow { version } } }',
      { input: { orgId: org.orgId, itemId: old.id, transitionId: 'submit' } },
    );
    expect(takeWorkflowTransition).toEqual({ state: 'submitted', workflow: { version: 1 } });
    open.onV1 = old.id;
    open.onV2 = fresh.id;

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
    open.inDepartment = item.id;
    open.department = createDepartment.id;
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

  it('migrates an item to a newer version when an admin or designer asks, with a state map', async () => {
    const [ada, max, bea] = ['ada', 'max', 'bea'].map((n) => org.members[n].client);
    const owner = org.owner.client;
    const { publishWorkflowVersion: v3 } = await org.members.dan.client.gql(PUBLISH, {
      input: { orgId: org.orgId, workflowId, definition: V3 },
    });
    expect(v3.version).toBe(3);
    const input = (extra: Record<string, unknown> = {}) => ({
      input: { orgId: org.orgId, itemId: open.onV1, ...extra },
    });
    const toReview = [{ from: 'submitted', to: 'review' }];

    expect(await max.failure(MIGRATE, input({ stateMap: toReview }))).toBe('FORBIDDEN');
    expect(await ada.failure(MIGRATE, input({ stateMap: toReview }))).toBe('FORBIDDEN');

    // v3 has no "submitted": the engine says so, and which states there are.
    const unmapped = await owner.request(MIGRATE, input());
    expect(unmapped.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const noCounterpart =
      'state "submitted" of "purchase-request" v1 has no counterpart in "purchase-request" v3; map it to one of "draft", "review", "approved", "withdrawn"';
    expect(unmapped.errors?.[0].message).toBe(`cannot migrate to version 3: ${noCounterpart}`);
    expect(unmapped.errors?.[0].extensions?.fields).toEqual([{ field: 'stateMap', message: noCounterpart }]);

    // A target state the new version does not define.
    const pending = await owner.request(MIGRATE, input({ stateMap: [{ from: 'submitted', to: 'pending' }] }));
    expect(pending.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(pending.errors?.[0].message).toContain(
      '"submitted" is mapped to "pending", which version 3 does not define (its states: "draft", "review", "approved", "withdrawn")',
    );

    // The data must fit the new form: v3 requires a cost centre.
    const noCostCentre = await owner.request(MIGRATE, input({ stateMap: toReview }));
    expect(noCostCentre.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(noCostCentre.errors?.[0].message).toContain(
      'does not fit the form of version 3: costCentre is required',
    );
    expect(noCostCentre.errors?.[0].extensions?.fields).toEqual([
      { field: 'costCentre', message: 'is required' },
    ]);

    // Only to a newer version of the same workflow.
    const versions = (
      await owner.gql('query ($o: ID!, $w: ID!) { workflow(orgId: $o, id: $w) { versions { versionId } } }', {
        o: org.orgId,
        w: workflowId,
      })
    ).workflow.versions.map((v: { versionId: string }) => v.versionId);
    const backwards = await owner.request(MIGRATE, input({ toVersionId: versions[0] }));
    expect(backwards.errors?.[0].extensions?.fields).toEqual([
      { field: 'toVersionId', message: 'version 1 is not newer than 1' },
    ]);

    const { migrateWorkflowItem: migrated } = await owner.gql(
      MIGRATE,
      input({ toVersionId: v3.versionId, stateMap: toReview, data: { costCentre: 'village hall' } }),
    );
    expect(migrated).toMatchObject({
      state: 'review',
      versionId: v3.versionId,
      workflow: { version: 3 },
      data: { amount: 60, reason: 'hall', costCentre: 'village hall' },
    });

    const { workflowItem } = await ada.gql(
      `query ($o: ID!, $i: ID!) { workflowItem(orgId: $o, id: $i) {
         history { type status actorId transitionId fromState toState fromVersion toVersion data } } }`,
      { o: org.orgId, i: open.onV1 },
    );
    expect(
      workflowItem.history.map(
        (h: { transitionId: string | null; type: string }) => h.transitionId ?? h.type,
      ),
    ).toEqual(['start', 'assign', 'submit', 'migrate']);
    expect(workflowItem.history[2]).toMatchObject({ fromState: 'draft', toState: 'submitted' });
    expect(workflowItem.history[3]).toEqual({
      type: 'migrate',
      status: 'applied',
      actorId: org.owner.id,
      transitionId: null,
      fromState: 'submitted',
      toState: 'review',
      fromVersion: 1,
      toVersion: 3,
      data: { costCentre: 'village hall' },
    });

    // It runs v3 now: the board approves it from "review"; closed items keep their version.
    expect(await inboxOf('bea')).toContain(open.onV1);
    const approved = (
      await bea.gql(TAKE, { input: { orgId: org.orgId, itemId: open.onV1, transitionId: 'approve' } })
    ).takeWorkflowTransition;
    expect(approved).toMatchObject({ state: 'approved', closed: true });
    expect(await owner.failure(MIGRATE, input({ stateMap: toReview }))).toBe('CONFLICT');
  });

  it('migrates every open item of a workflow at once, or none', async () => {
    const owner = org.owner.client;
    const all = (extra: Record<string, unknown> = {}) => ({
      input: { orgId: org.orgId, workflowId, ...extra },
    });
    expect(await org.members.max.client.failure(MIGRATE_ALL, all())).toBe('FORBIDDEN');

    // Two open items on v2, one in a department, neither with a cost centre; one of them is "submitted".
    const missing = await owner.request(MIGRATE_ALL, all());
    expect(missing.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(missing.errors?.[0].message).toContain(`item "Tables" (${open.onV2}): costCentre is required`);
    expect(missing.errors?.[0].message).toContain(
      `item "Chalk" (${open.inDepartment}): state "submitted" of "purchase-request" v2 has no counterpart`,
    );
    const stillV2 = await owner.gql(
      'query ($o: ID!, $i: ID!) { workflowItem(orgId: $o, id: $i) { workflow { version } } }',
      {
        o: org.orgId,
        i: open.onV2,
      },
    );
    expect(stillV2.workflowItem.workflow.version).toBe(2);

    const { migrateWorkflowItems } = await org.members.dan.client.gql(
      MIGRATE_ALL,
      all({ stateMap: [{ from: 'submitted', to: 'review' }], data: { costCentre: 'school' } }),
    );
    expect(migrateWorkflowItems).toEqual([
      { id: open.onV2, orgId: org.orgId, state: 'draft', workflow: { version: 3 } },
      { id: open.inDepartment, orgId: open.department, state: 'review', workflow: { version: 3 } },
    ]);
    // Nothing is left on an older version.
    expect((await owner.gql(MIGRATE_ALL, all())).migrateWorkflowItems).toEqual([]);
  });
});

/** The board approves only large amounts here, the treasurer only small ones; admins may cancel. */
const EXPENSE = {
  key: 'expense',
  name: 'Expense',
  roles: ['requester', 'treasurer', 'board'],
  states: [
    { id: 'draft', initial: true, assigneeRoles: ['requester'] },
    { id: 'submitted', assigneeRoles: ['treasurer', 'board'] },
    { id: 'paid', final: true },
    { id: 'cancelled', final: true },
  ],
  transitions: [
    { id: 'submit', name: 'Submit', from: 'draft', to: 'submitted', roles: ['requester'] },
    {
      id: 'pay',
      name: 'Pay',
      from: 'submitted',
      to: 'paid',
      roles: ['treasurer'],
      condition: { '<=': [{ var: 'amount' }, 500] },
    },
    {
      id: 'pay-large',
      name: 'Pay a large amount',
      from: 'submitted',
      to: 'paid',
      roles: ['board'],
      condition: { '>': [{ var: 'amount' }, 500] },
    },
    { id: 'cancel', name: 'Cancel', from: 'submitted', to: 'cancelled', roles: ['admin'] },
  ],
  form: {
    type: 'object',
    properties: { amount: { type: 'number', minimum: 0 }, reason: { type: 'string' } },
    required: ['amount', 'reason'],
  },
};

describe('the workflow inbox lists what a member can move on now', () => {
  let gw: TestGateway;
  let org: TestOrg;
  const ids: Record<string, string> = {};
  const inboxOf = async (name: string, first?: number, after?: string) =>
    (
      await (name === 'owner' ? org.owner : org.members[name]).client.gql(
        'query ($o: ID!, $f: Int, $a: String) { workflowInbox(orgId: $o, first: $f, after: $a) { nodes { id } pageInfo { hasNextPage endCursor } } }',
        { o: org.orgId, f: first, a: after },
      )
    ).workflowInbox;
  const inbox = async (name: string) => (await inboxOf(name)).nodes.map((n: { id: string }) => n.id).sort();
  const expected = (...names: string[]) => names.map((n) => ids[n]).sort();

  beforeAll(async () => {
    gw = await startTestGateway();
    org = await createOrg(gw, 'hamlet', { ada: 'member', tom: 'member', bea: 'member', eve: 'member' });
    await grantRole(org, org.members.ada, 'requester');
    await grantRole(org, org.members.tom, 'treasurer');
    await grantRole(org, org.members.bea, 'board');
    await grantRole(org, org.members.eve, 'treasurer');
    await grantRole(org, org.members.eve, 'board');
    for (const definition of [PURCHASE_REQUEST, EXPENSE]) {
      const { defineWorkflow } = await org.owner.client.gql(DEFINE, {
        input: { orgId: org.orgId, definition, startRoles: ['requester'] },
      });
      for (const [name, amount] of [
        ['small', 300],
        ['large', 800],
      ] as const) {
        const { startWorkflowItem } = await org.members.ada.client.gql(START, {
          input: {
            orgId: org.orgId,
            workflowId: defineWorkflow.id,
            title: name,
            data: { amount, reason: 'fair' },
          },
        });
        ids[`${definition.key}/${name}`] = startWorkflowItem.id;
        await org.members.ada.client.gql(TAKE, {
          input: { orgId: org.orgId, itemId: startWorkflowItem.id, transitionId: 'submit' },
        });
      }
    }
  });
  afterAll(async () => {
    await gw.close();
    removeDir(gw.dataDir);
  });

  it('evaluates conditions: the treasurer gets requests up to 500, the board the larger ones', async () => {
    // The purchase request lets the board approve any amount ("or the actor is on the board").
    expect(await inbox('tom')).toEqual(expected('purchase-request/small', 'expense/small'));
    expect(await inbox('bea')).toEqual(
      expected('purchase-request/small', 'purchase-request/large', 'expense/large'),
    );
    expect(await inbox('eve')).toEqual(
      expected('purchase-request/small', 'purchase-request/large', 'expense/small', 'expense/large'),
    );
    // Still waitingOnRoles names every role of the transitions leaving the state.
    const { workflowItem } = await org.members.tom.client.gql(
      'query ($o: ID!, $i: ID!) { workflowItem(orgId: $o, id: $i) { waitingOnRoles } }',
      { o: org.orgId, i: ids['purchase-request/large'] },
    );
    expect(workflowItem.waitingOnRoles).toEqual(['board', 'treasurer']);
  });

  it('lists items only for holders of the state’s assignee roles', async () => {
    // The owner may cancel a submitted expense, but "submitted" is held by the treasurer and the board.
    const cancel = await org.owner.client.gql(
      'query ($o: ID!, $i: ID!) { workflowItem(orgId: $o, id: $i) { availableTransitions { id allowed } } }',
      { o: org.orgId, i: ids['expense/large'] },
    );
    expect(cancel.workflowItem.availableTransitions).toContainEqual({ id: 'cancel', allowed: true });
    expect(await inbox('owner')).toEqual([]);
    expect(await inbox('ada')).toEqual([]);
  });

  it('follows the item: a changed amount or an explicit assignee moves it between inboxes', async () => {
    // Rejected with a lower amount and submitted again: now the treasurer can approve it.
    const item = ids['purchase-request/large'];
    const take = (name: string, transitionId: string, data?: object) =>
      org.members[name].client.gql(TAKE, {
        input: { orgId: org.orgId, itemId: item, transitionId, ...(data ? { data } : {}) },
      });
    await take('bea', 'reject', { rejectionReason: 'too much', amount: 450 });
    expect(await inbox('ada')).toEqual([item]);
    await take('ada', 'submit');
    expect(await inbox('tom')).toContain(item);

    // Given to tom explicitly, the large expense is his (though he cannot pay it) and no longer the board's.
    const large = ids['expense/large'];
    await org.members.bea.client.gql(
      'mutation ($input: AssignWorkflowItemInput!) { assignWorkflowItem(input: $input) { id } }',
      { input: { orgId: org.orgId, itemId: large, assigneeId: org.members.tom.id } },
    );
    expect(await inbox('tom')).toContain(large);
    expect(await inbox('bea')).not.toContain(large);

    // Paid: out of every inbox.
    await org.members.tom.client.gql(TAKE, {
      input: { orgId: org.orgId, itemId: ids['expense/small'], transitionId: 'pay' },
    });
    for (const name of ['tom', 'bea', 'eve']) expect(await inbox(name)).not.toContain(ids['expense/small']);
  });

  it('pages through an inbox whose candidates the engine has to check', async () => {
    // Tom holds a role of every submitted purchase request; the engine drops the ones over 500.
    const added = { small: [] as string[], large: [] as string[] };
    const { workflows } = await org.owner.client.gql(
      'query ($o: ID!) { workflows(orgId: $o) { nodes { id key } } }',
      {
        o: org.orgId,
      },
    );
    const pr = workflows.nodes.find((w: { key: string }) => w.key === 'purchase-request').id;
    for (const amount of [900, 100, 950, 200, 990]) {
      const { startWorkflowItem } = await org.members.ada.client.gql(START, {
        input: { orgId: org.orgId, workflowId: pr, title: `${amount}`, data: { amount, reason: 'fair' } },
      });
      await org.members.ada.client.gql(TAKE, {
        input: { orgId: org.orgId, itemId: startWorkflowItem.id, transitionId: 'submit' },
      });
      added[amount <= 500 ? 'small' : 'large'].push(startWorkflowItem.id);
    }
    const all = await inbox('tom');
    for (const id of added.small) expect(all).toContain(id);
    for (const id of added.large) expect(all).not.toContain(id);
    const paged: string[] = [];
    let after: string | undefined;
    for (let i = 0; i < 20; i++) {
      const page = await inboxOf('tom', 1, after);
      paged.push(...page.nodes.map((n: { id: string }) => n.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(paged.sort()).toEqual(all);
  });
});
