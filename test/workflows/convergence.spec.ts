/**
 * Workflows, decisions and projects converge: two gateways that were apart
 * take conflicting transitions, moves and votes; the same ops fed to two
 * fresh gateways in different orders through OpLogService.ingest() give the
 * same state hash, with one winner plus one conflict, and every vote counted.
 */
import type { Op } from '@gatehouse/mesh';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpLogService } from '../../apps/gateway/src/oplog/oplog.service.js';
import { ProjectionRegistry } from '../../apps/gateway/src/oplog/projection-registry.js';
import { StateHashService } from '../../apps/gateway/src/oplog/state-hash.service.js';
import { removeDir, startTestGateway, type TestGateway } from '../support/gateway-harness.js';
import type { GraphQLClient } from '../support/graphql-client.js';
import { createOrg, grantRole, PURCHASE_REQUEST, type TestOrg } from './org-fixture.js';

const HOUR = 3_600_000;
const oplog = (gw: TestGateway) => gw.gateway.app.get(OpLogService);
const hash = (gw: TestGateway, org: string) => gw.gateway.app.get(StateHashService).stateHash(org);

/** Ingests one op at a time, in the given order. */
async function feed(gw: TestGateway, ops: readonly Op[]): Promise<void> {
  for (const op of ops) {
    const result = await oplog(gw).ingest([op]);
    expect(result.rejected).toEqual([]);
  }
}

/** A seeded random merge of per-author chains: each author's ops stay in seq order. */
function interleave(ops: readonly Op[], seed: number): Op[] {
  const chains = new Map<string, Op[]>();
  for (const op of ops) chains.set(op.author, [...(chains.get(op.author) ?? []), op]);
  const queues = [...chains.values()].map((c) => c.sort((a, b) => a.seq - b.seq));
  const out: Op[] = [];
  let x = seed;
  while (queues.some((q) => q.length)) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const open = queues.filter((q) => q.length);
    out.push(open[x % open.length].shift()!);
  }
  return out;
}

async function rows(gw: TestGateway, org: string) {
  const out: Record<string, unknown> = {};
  for (const p of gw.gateway.app.get(ProjectionRegistry).all)
    out[p.name] = await p.stateRows(gw.gateway.dataSource.manager, org);
  return out;
}

describe('convergence of workflows, decisions and projects', () => {
  let now = Date.UTC(2026, 8, 1, 9);
  const gateways: TestGateway[] = [];
  let north: TestGateway;
  let south: TestGateway;
  let org: TestOrg;
  const south_: Record<string, GraphQLClient> = {};

  beforeAll(async () => {
    for (let i = 0; i < 4; i++) gateways.push(await startTestGateway({ wallClock: () => now }));
    [north, south] = gateways;
    org = await createOrg(north, 'valley', {
      tom: 'member',
      bea: 'member',
      ann: 'member',
      bob: 'member',
      cat: 'editor',
    });
  });
  afterAll(async () => {
    for (const gw of gateways) {
      await gw.close();
      removeDir(gw.dataDir);
    }
  });

  it('converges after both sides acted while apart', async () => {
    const { orgId } = org;
    const n = (name: string) => org.members[name].client;
    const gql = (c: GraphQLClient, q: string, input: Record<string, unknown>) =>
      c.gql(q, { input: { orgId, ...input } });
    for (const [name, role] of [
      ['ann', 'requester'],
      ['tom', 'treasurer'],
      ['bea', 'board'],
    ]) {
      await grantRole(org, org.members[name], role);
    }
    const wf = (
      await gql(
        org.owner.client,
        'mutation ($input: DefineWorkflowInput!) { defineWorkflow(input: $input) { id } }',
        {
          definition: PURCHASE_REQUEST,
          startRoles: ['requester'],
        },
      )
    ).defineWorkflow.id;
    const item = (
      await gql(
        n('ann'),
        'mutation ($input: StartWorkflowItemInput!) { startWorkflowItem(input: $input) { id } }',
        {
          workflowId: wf,
          title: 'Tent',
          data: { amount: 300, reason: 'fair' },
        },
      )
    ).startWorkflowItem.id;
    const take = (c: GraphQLClient, transitionId: string, data?: object) =>
      gql(
        c,
        'mutation ($input: TakeWorkflowTransitionInput!) { takeWorkflowTransition(input: $input) { state } }',
        {
          itemId: item,
          transitionId,
          ...(data ? { data } : {}),
        },
      );
    await take(n('ann'), 'submit');
    const decision = (
      await gql(
        n('ann'),
        'mutation ($input: CreateDecisionInput!) { createDecision(input: $input) { id } }',
        {
          title: 'Fair date',
          method: 'majority',
          options: ['June', 'July'],
          quorum: 3,
          deadline: new Date(now + HOUR),
        },
      )
    ).createDecision.id;
    const project = (
      await gql(n('cat'), 'mutation ($input: CreateProjectInput!) { createProject(input: $input) { id } }', {
        name: 'Fair',
      })
    ).createProject.id;
    const task = (
      await gql(n('cat'), 'mutation ($input: CreateTaskInput!) { createTask(input: $input) { id } }', {
        projectId: project,
        title: 'Book the field',
      })
    ).createTask.id;

    // The south gateway receives the log so far, and its users log in there.
    await feed(south, await oplog(north).opsOf(orgId));
    for (const name of ['tom', 'bea', 'ann', 'bob', 'cat']) {
      south_[name] = south.client();
      await south_[name].logIn(`valley-${name}`);
    }

    // Apart: conflicting transitions, concurrent task moves and edits, votes on both sides.
    const vote = (c: GraphQLClient, choice: string) =>
      gql(c, 'mutation ($input: CastVoteInput!) { castVote(input: $input) { id } }', {
        decisionId: decision,
        choices: [choice],
      });
    const moveTo = (c: GraphQLClient, toStatus: string) =>
      gql(c, 'mutation ($input: MoveTaskInput!) { moveTask(input: $input) { status } }', {
        taskId: task,
        toStatus,
      });
    const edit = (c: GraphQLClient, fields: object) =>
      gql(c, 'mutation ($input: UpdateTaskInput!) { updateTask(input: $input) { id } }', {
        taskId: task,
        ...fields,
      });
    expect((await take(n('tom'), 'approve')).takeWorkflowTransition.state).toBe('approved');
    expect(
      (await take(south_.bea, 'reject', { rejectionReason: 'too dear' })).takeWorkflowTransition.state,
    ).toBe('draft');
    await vote(n('ann'), 'o1');
    await vote(n('cat'), 'o1');
    await vote(south_.bob, 'o2');
    await vote(south_.cat, 'o2');
    await moveTo(n('cat'), 'doing');
    await moveTo(south_.bob, 'done');
    await edit(n('cat'), { title: 'Book the big field' });
    await edit(south_.bob, { labels: ['council'] });

    // Fresh gateways get the union of both logs in different orders; the sources sync both ways.
    const all = [...(await oplog(north).opsOf(orgId)), ...(await oplog(south).opsOf(orgId))];
    const unique = [...new Map(all.map((op) => [op.id, op])).values()];
    const [, , fresh1, fresh2] = gateways;
    await feed(fresh1, interleave(unique, 1));
    await feed(fresh2, interleave(unique, 7));
    await feed(
      north,
      (await oplog(south).opsOf(orgId)).filter((op) => op.author === south.gateway.identity.peerId),
    );
    await feed(
      south,
      (await oplog(north).opsOf(orgId)).filter((op) => op.author === north.gateway.identity.peerId),
    );

    const hashes = await Promise.all(gateways.map((gw) => hash(gw, orgId)));
    if (new Set(hashes).size > 1) expect(await rows(fresh2, orgId)).toEqual(await rows(fresh1, orgId));
    expect(new Set(hashes).size).toBe(1);

    // One winner and one conflict, the same on both sides.
    const itemQuery = `query ($o: ID!, $i: ID!) { workflowItem(orgId: $o, id: $i) {
      state conflictCount conflicts { fromState winner losers } history { status } } }`;
    const onNorth = (await org.owner.client.gql(itemQuery, { o: orgId, i: item })).workflowItem;
    const onSouth = (await south_.ann.gql(itemQuery, { o: orgId, i: item })).workflowItem;
    expect(onSouth).toEqual(onNorth);
    expect(['approved', 'draft']).toContain(onNorth.state);
    expect(onNorth.conflictCount).toBe(1);
    expect(onNorth.conflicts).toEqual([
      { fromState: 'submitted', winner: expect.any(String), losers: [expect.any(String)] },
    ]);
    expect(onNorth.history.filter((h: { status: string }) => h.status === 'superseded')).toHaveLength(1);

    const taskQuery =
      'query ($o: ID!, $t: ID!) { task(orgId: $o, id: $t) { title labels status statusConflicts } }';
    const t = (await n('cat').gql(taskQuery, { o: orgId, t: task })).task;
    expect(t).toMatchObject({ title: 'Book the big field', labels: ['council'], statusConflicts: 1 });
    expect((await south_.cat.gql(taskQuery, { o: orgId, t: task })).task).toEqual(t);

    // Votes from both sides all count, one per member (cat voted on both sides: the later counts).
    now += 2 * HOUR;
    const result =
      'query ($o: ID!, $d: ID!) { decision(orgId: $o, id: $d) { result { ballots counts { count } } } }';
    const r = (await n('ann').gql(result, { o: orgId, d: decision })).decision.result;
    expect(r.ballots).toBe(3);
    expect(r.counts.reduce((sum: number, c: { count: number }) => sum + c.count, 0)).toBe(3);
    expect((await south_.ann.gql(result, { o: orgId, d: decision })).decision.result).toEqual(r);
  });

  it('converges when a migration on one gateway races a transition on another', async () => {
    const { orgId } = org;
    const gql = (c: GraphQLClient, q: string, input: Record<string, unknown>) =>
      c.gql(q, { input: { orgId, ...input } });
    const renamed = (id: string) => (id === 'submitted' ? 'review' : id);
    const definition = { ...PURCHASE_REQUEST, key: 'petty-cash' };
    const { defineWorkflow } = await gql(
      org.owner.client,
      'mutation ($input: DefineWorkflowInput!) { defineWorkflow(input: $input) { id } }',
      { definition, startRoles: ['requester'] },
    );
    await gql(
      org.owner.client,
      'mutation ($input: PublishWorkflowVersionInput!) { publishWorkflowVersion(input: $input) { version } }',
      {
        workflowId: defineWorkflow.id,
        definition: {
          ...definition,
          states: definition.states.map((st) => ({ ...st, id: renamed(st.id) })),
          transitions: definition.transitions.map((t) => ({
            ...t,
            from: renamed(t.from),
            to: renamed(t.to),
          })),
        },
      },
    );
    // Two requests, both submitted before the gateways part (the items start on version 2, so version 3 is the target).
    const items: string[] = [];
    for (const title of ['Migration first', 'Approval first']) {
      const { startWorkflowItem } = await gql(
        org.members.ann.client,
        'mutation ($input: StartWorkflowItemInput!) { startWorkflowItem(input: $input) { id } }',
        { workflowId: defineWorkflow.id, title, data: { amount: 200, reason: 'fair' } },
      );
      items.push(startWorkflowItem.id);
    }
    const { publishWorkflowVersion: v3 } = await gql(
      org.owner.client,
      'mutation ($input: PublishWorkflowVersionInput!) { publishWorkflowVersion(input: $input) { version versionId } }',
      { workflowId: defineWorkflow.id, definition: { ...definition, name: 'Petty cash' } },
    );
    for (const itemId of items) {
      await gql(
        org.members.ann.client,
        'mutation ($input: TakeWorkflowTransitionInput!) { takeWorkflowTransition(input: $input) { state } }',
        { itemId, transitionId: 'submit' },
      );
    }
    const held = new Set((await oplog(south).opsOf(orgId, 5000)).map((op) => op.id));
    await feed(
      south,
      (await oplog(north).opsOf(orgId, 5000)).filter((op) => !held.has(op.id)),
    );

    // Apart: an admin migrates on the north, the treasurer approves on the south; the clock decides who is first.
    const migrate = (itemId: string) =>
      gql(
        org.owner.client,
        'mutation ($input: MigrateWorkflowItemInput!) { migrateWorkflowItem(input: $input) { state } }',
        { itemId, toVersionId: v3.versionId, stateMap: [{ from: 'review', to: 'submitted' }] },
      );
    const approve = (itemId: string) =>
      gql(
        south_.tom,
        'mutation ($input: TakeWorkflowTransitionInput!) { takeWorkflowTransition(input: $input) { state } }',
        { itemId, transitionId: 'approve' },
      );
    now += 60_000;
    expect((await migrate(items[0])).migrateWorkflowItem.state).toBe('submitted');
    now += 60_000;
    expect((await approve(items[0])).takeWorkflowTransition.state).toBe('approved');
    expect((await approve(items[1])).takeWorkflowTransition.state).toBe('approved');
    now += 60_000;
    expect((await migrate(items[1])).migrateWorkflowItem.state).toBe('submitted');

    // Together again, in both directions and on fresh gateways in two orders.
    const before = new Set((await oplog(gateways[2]).opsOf(orgId, 5000)).map((op) => op.id));
    const all = [...(await oplog(north).opsOf(orgId, 5000)), ...(await oplog(south).opsOf(orgId, 5000))];
    const fresh = [...new Map(all.filter((op) => !before.has(op.id)).map((op) => [op.id, op])).values()];
    await feed(gateways[2], interleave(fresh, 3));
    await feed(gateways[3], interleave(fresh, 11));
    await feed(
      north,
      fresh.filter((op) => op.author === south.gateway.identity.peerId),
    );
    await feed(
      south,
      fresh.filter((op) => op.author === north.gateway.identity.peerId),
    );
    const hashes = await Promise.all(gateways.map((gw) => hash(gw, orgId)));
    expect(new Set(hashes).size).toBe(1);

    const itemQuery = `query ($o: ID!, $i: ID!) { workflowItem(orgId: $o, id: $i) {
      state workflow { version } conflicts { fromState winner losers } history { type status } } }`;
    const view = async (itemId: string) => {
      const onNorth = (await org.owner.client.gql(itemQuery, { o: orgId, i: itemId })).workflowItem;
      expect((await south_.ann.gql(itemQuery, { o: orgId, i: itemId })).workflowItem).toEqual(onNorth);
      const id = (type: string) => onNorth.history.findIndex((h: { type: string }) => h.type === type);
      return { ...onNorth, migrateAt: id('migrate') };
    };
    // The migration was first: the item runs version 3, and the approval (made on version 2) lost to it.
    const first = await view(items[0]);
    expect(first).toMatchObject({ state: 'submitted', workflow: { version: 3 } });
    expect(first.conflicts).toEqual([
      { fromState: 'review', winner: expect.any(String), losers: [expect.any(String)] },
    ]);
    expect(first.history.at(-1)).toEqual({ type: 'transition', status: 'superseded' });
    expect(first.history[first.migrateAt]).toEqual({ type: 'migrate', status: 'applied' });
    // The approval was first: the item closed on version 2, and the migration lost.
    const second = await view(items[1]);
    expect(second).toMatchObject({ state: 'approved', workflow: { version: 2 } });
    expect(second.conflicts).toHaveLength(1);
    expect(second.history.at(-1)).toEqual({ type: 'migrate', status: 'superseded' });
  });

  it('rebuilds the same rows from the log', async () => {
    const before = await rows(gateways[2], org.orgId);
    await oplog(gateways[2]).rebuild();
    expect(await rows(gateways[2], org.orgId)).toEqual(before);
  });
});
