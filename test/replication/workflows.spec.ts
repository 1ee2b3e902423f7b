/**
 * Acceptance, over real libp2p between two real gateways: concurrent
 * conflicting transitions taken while the gateways are apart converge to one
 * winner plus one conflict on both; votes cast on both sides while apart all
 * count.
 *
 * Members join by invite on either gateway, and log in on the other one with
 * the same name and password once the organisation has replicated.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeshNodeService } from '../../apps/gateway/src/mesh/node/mesh-node.service.js';
import type { GraphQLClient } from '../support/graphql-client.js';
import { ITEM_FIELDS, PURCHASE_REQUEST } from '../workflows/org-fixture.js';
import {
  admitAll,
  converged,
  createOrganization,
  type MeshGateway,
  startMeshGateways,
  stopAll,
} from './support/mesh-fixture.js';

const HOUR = 3_600_000;
const START = `mutation ($input: StartWorkflowItemInput!) { startWorkflowItem(input: $input) { ${ITEM_FIELDS} } }`;
const TAKE = `mutation ($input: TakeWorkflowTransitionInput!) { takeWorkflowTransition(input: $input) { ${ITEM_FIELDS} } }`;
const ITEM = `query ($o: ID!, $i: ID!) { workflowItem(orgId: $o, id: $i) {
  ${ITEM_FIELDS}
  conflicts { fromState winner losers }
  history { id type status actorId gatewayId transitionId fromState toState } } }`;
const WITH_CONFLICTS =
  'query ($o: ID!) { workflowItems(orgId: $o, withConflicts: true) { nodes { id conflictCount } } }';
const DECISION_FIELDS = `id status votesCast myVote { choices } closedById
  result { ballots quorumMet outcome winners counts { optionId count } objections { voterId reason } }`;
const CREATE_DECISION = `mutation ($input: CreateDecisionInput!) { createDecision(input: $input) { ${DECISION_FIELDS} } }`;
const VOTE = 'mutation ($input: CastVoteInput!) { castVote(input: $input) { id } }';
const DECISION = `query ($o: ID!, $id: ID!) { decision(orgId: $o, id: $id) { ${DECISION_FIELDS} } }`;
const CLOSE = `mutation ($o: ID!, $id: ID!) { closeDecision(orgId: $o, id: $id) { ${DECISION_FIELDS} } }`;

/** Where each member signs up and redeems the invite; they log in on the other gateway later. */
const HOME: Record<string, 0 | 1> = { ann: 0, tom: 0, bea: 1, bob: 1 };
const WORKFLOW_ROLES: Record<string, string> = { ann: 'requester', tom: 'treasurer', bea: 'treasurer' };

interface HistoryEntry {
  id: string;
  type: string;
  status: string;
  actorId: string | null;
  gatewayId: string;
  transitionId: string | null;
  fromState: string | null;
  toState: string | null;
}

describe('workflows and decisions across two gateways over libp2p', () => {
  let gws: MeshGateway[] = [];
  let orgId: string;
  let workflowId: string;
  /** The organisation owner (gw0's operator), logged in on each gateway. */
  const owner: GraphQLClient[] = [];
  /** Each member's account id, and a logged-in client on each gateway. */
  const ids: Record<string, string> = {};
  const on: Record<string, GraphQLClient[]> = {};

  const offline = (gw: MeshGateway) => gw.gateway.app.get(MeshNodeService).stop();
  const online = (gw: MeshGateway) => gw.gateway.app.get(MeshNodeService).start();

  beforeAll(async () => {
    gws = await startMeshGateways(2, 'wf');
    orgId = await createOrganization(gws[0].operator, 'allotments');
    await admitAll(gws[0].operator, orgId, gws.slice(1));
    await converged(gws, orgId);
    owner.push(gws[0].operator);
    const ownerOn1 = gws[1].client();
    await ownerOn1.logIn('wf0-operator');
    owner.push(ownerOn1);

    // One invite, created on gw0 and redeemed on both gateways.
    const { createInvite } = await owner[0].gql(
      'mutation ($i: CreateInviteInput!) { createInvite(input: $i) { code } }',
      { i: { orgId, role: 'member', maxUses: 10 } },
    );
    await converged(gws, orgId);
    for (const [name, home] of Object.entries(HOME)) {
      const client = gws[home].client();
      ids[name] = await client.signUp(`wf-${name}`);
      await client.gql('mutation ($c: String!) { redeemInvite(code: $c) { id } }', { c: createInvite.code });
      on[name] = [];
      on[name][home] = client;
    }
    // The memberships redeemed on gw1 must reach gw0 before roles are granted there.
    await converged(gws, orgId);
    for (const [name, role] of Object.entries(WORKFLOW_ROLES)) {
      await owner[0].gql('mutation ($input: WorkflowRoleInput!) { grantWorkflowRole(input: $input) }', {
        input: { orgId, accountId: ids[name], role },
      });
    }
    const { defineWorkflow } = await owner[0].gql(
      'mutation ($input: DefineWorkflowInput!) { defineWorkflow(input: $input) { id } }',
      { input: { orgId, definition: PURCHASE_REQUEST, startRoles: ['requester'] } },
    );
    workflowId = defineWorkflow.id;
    await converged(gws, orgId);

    // Accounts travelled with the organisation's log: everyone logs in on the gateway they did not sign up on.
    for (const [name, home] of Object.entries(HOME)) {
      const away = home === 0 ? 1 : 0;
      const client = gws[away].client();
      expect(await client.logIn(`wf-${name}`)).toBe(ids[name]);
      on[name][away] = client;
    }
  }, 120_000);
  afterAll(() => stopAll(gws), 60_000);

  it('turns conflicting transitions taken apart into one winner plus one conflict, the same on both gateways', async () => {
    // Started on gw1, submitted on gw0, while connected.
    const { startWorkflowItem: started } = await on.ann[1].gql(START, {
      input: { orgId, workflowId, title: 'Seed potatoes', data: { amount: 240, reason: 'spring planting' } },
    });
    await converged(gws, orgId);
    const itemId: string = started.id;
    const take = (client: GraphQLClient, transitionId: string, data?: Record<string, unknown>) =>
      client.gql(TAKE, { input: { orgId, itemId, transitionId, ...(data ? { data } : {}) } });
    expect((await take(on.ann[0], 'submit')).takeWorkflowTransition.state).toBe('submitted');
    await converged(gws, orgId);
    for (const c of owner) {
      expect((await c.gql(ITEM, { o: orgId, i: itemId })).workflowItem).toMatchObject({
        state: 'submitted',
        conflictCount: 0,
        conflicts: [],
      });
    }

    // Apart, from the same state: tom approves on gw0, bea rejects on gw1. Each side sees only its own.
    await offline(gws[1]);
    const approved = (await take(on.tom[0], 'approve')).takeWorkflowTransition;
    expect(approved).toMatchObject({ state: 'approved', closed: true, conflictCount: 0 });
    const rejected = (await take(on.bea[1], 'reject', { rejectionReason: 'ask the seed swap first' }))
      .takeWorkflowTransition;
    expect(rejected).toMatchObject({ state: 'draft', closed: false, conflictCount: 0 });
    await online(gws[1]);
    await converged(gws, orgId);

    const items = await Promise.all(
      owner.map(async (c) => (await c.gql(ITEM, { o: orgId, i: itemId })).workflowItem),
    );
    // The same item, state, history and conflict on both gateways.
    expect(items[1]).toEqual(items[0]);
    const [item] = items;

    const transitions = (item.history as HistoryEntry[]).filter(
      (h) => h.transitionId === 'approve' || h.transitionId === 'reject',
    );
    // Both concurrent transitions are kept in the history: one applied, the loser superseded.
    expect(transitions).toHaveLength(2);
    expect(transitions.find((h) => h.transitionId === 'approve')).toMatchObject({
      actorId: ids.tom,
      gatewayId: gws[0].peerId,
      fromState: 'submitted',
      toState: 'approved',
    });
    expect(transitions.find((h) => h.transitionId === 'reject')).toMatchObject({
      actorId: ids.bea,
      gatewayId: gws[1].peerId,
      fromState: 'submitted',
      toState: 'draft',
    });
    const winners = transitions.filter((h) => h.status === 'applied');
    const losers = transitions.filter((h) => h.status === 'superseded');
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    const [winner] = winners;
    const [loser] = losers;

    // The item is where the single winner took it.
    expect(item.state).toBe(winner.toState);
    expect(item.closed).toBe(winner.transitionId === 'approve');

    // Exactly one conflict, naming the winner and the loser.
    expect(item.conflictCount).toBe(1);
    expect(item.conflicts).toEqual([{ fromState: 'submitted', winner: winner.id, losers: [loser.id] }]);
    for (const c of owner) {
      const { workflowItems } = await c.gql(WITH_CONFLICTS, { o: orgId });
      expect(workflowItems.nodes).toEqual([{ id: itemId, conflictCount: 1 }]);
    }
  });

  it('counts every vote cast on both sides while apart', async () => {
    // Proposed on gw0, quorum 4: only both sides' ballots together reach it.
    const { createDecision: created } = await on.ann[0].gql(CREATE_DECISION, {
      input: {
        orgId,
        title: 'Open a second compost bay?',
        method: 'majority',
        options: ['Yes', 'No'],
        quorum: 4,
        deadline: new Date(Date.now() + HOUR),
      },
    });
    expect(created).toMatchObject({ status: 'open', votesCast: 0, result: null });
    const decisionId: string = created.id;
    await converged(gws, orgId);
    const read = async (client: GraphQLClient) =>
      (await client.gql(DECISION, { o: orgId, id: decisionId })).decision;
    for (const c of owner) expect(await read(c)).toMatchObject({ status: 'open', votesCast: 0 });

    // Apart: ann and tom vote on gw0, bea and bob on gw1.
    const ballots: [string, 0 | 1, string][] = [
      ['ann', 0, 'o1'],
      ['tom', 0, 'o2'],
      ['bea', 1, 'o1'],
      ['bob', 1, 'o1'],
    ];
    await offline(gws[1]);
    for (const [name, side, choice] of ballots) {
      await on[name][side].gql(VOTE, { input: { orgId, decisionId, choices: [choice], reason: '' } });
    }
    expect((await read(owner[0])).votesCast).toBe(2);
    expect((await read(owner[1])).votesCast).toBe(2);
    await online(gws[1]);
    await converged(gws, orgId);

    // Together: all four ballots, on both gateways, each voter's own on either side.
    for (const c of owner)
      expect(await read(c)).toMatchObject({ status: 'open', votesCast: 4, result: null });
    for (const [name, , choice] of ballots) {
      for (const side of [0, 1]) {
        expect((await read(on[name][side])).myVote).toEqual({ choices: [choice] });
      }
    }

    // The proposer closes it on gw0.
    const closed = (await on.ann[0].gql(CLOSE, { o: orgId, id: decisionId })).closeDecision;
    expect(closed.status).toBe('closed');
    await converged(gws, orgId);

    const results = await Promise.all(owner.map(read));
    expect(results[1]).toEqual(results[0]);
    for (const d of results) {
      expect(d).toMatchObject({ status: 'closed', closedById: ids.ann, votesCast: ballots.length });
      expect(d.result).toEqual({
        ballots: ballots.length,
        quorumMet: true,
        outcome: 'adopted',
        winners: ['o1'],
        counts: [
          { optionId: 'o1', count: 3 },
          { optionId: 'o2', count: 1 },
        ],
        objections: [],
      });
      const counted = d.result.counts.reduce((sum: number, c: { count: number }) => sum + c.count, 0);
      expect(counted).toBe(ballots.length);
    }
  });
});
