/** Acceptance: decisions run end to end over GraphQL, with quorum and deadline, on a gateway whose clock we move. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startTestGateway, type TestGateway } from '../support/gateway-harness.js';
import { createOrg, type TestOrg } from './org-fixture.js';

const HOUR = 3_600_000;
const FIELDS = `id status votesCast myVote { choices } options { id label }
  result { ballots quorumMet outcome winners counts { optionId count } objections { voterId reason } }`;
const CREATE = `mutation ($input: CreateDecisionInput!) { createDecision(input: $input) { ${FIELDS} } }`;
const VOTE = `mutation ($input: CastVoteInput!) { castVote(input: $input) { id } }`;
const READ = `query ($o: ID!, $id: ID!) { decision(orgId: $o, id: $id) { ${FIELDS} } }`;

describe('decisions over GraphQL', () => {
  let now = Date.UTC(2026, 5, 1, 12);
  let gw: TestGateway;
  let org: TestOrg;

  const client = (name: string) => org.members[name].client;
  const create = async (input: Record<string, unknown>) =>
    (
      await client('ann').gql(CREATE, {
        input: { orgId: org.orgId, deadline: new Date(now + HOUR), ...input },
      })
    ).createDecision;
  const vote = (name: string, decisionId: string, choices: string[], reason = '') =>
    client(name).request(VOTE, { input: { orgId: org.orgId, decisionId, choices, reason } });
  const read = async (name: string, id: string) =>
    (await client(name).gql(READ, { o: org.orgId, id })).decision;

  beforeAll(async () => {
    gw = await startTestGateway({ wallClock: () => now });
    org = await createOrg(gw, 'council', {
      ann: 'member',
      bob: 'member',
      cat: 'member',
      dan: 'member',
      vic: 'viewer',
    });
  });
  afterAll(async () => {
    await gw.close();
    removeDir(gw.dataDir);
  });

  it('runs a majority vote to its deadline: one changeable vote per member, results only after the close', async () => {
    const d = await create({
      title: 'Buy a projector?',
      method: 'majority',
      options: ['Yes', 'No'],
      quorum: 3,
    });
    expect(d).toMatchObject({ status: 'open', result: null, options: [{ id: 'o1' }, { id: 'o2' }] });

    expect((await vote('vic', d.id, ['o1'])).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await vote('ann', d.id, ['o1', 'o2'])).errors?.[0].extensions?.fields).toEqual([
      { field: 'choices', message: 'exactly one option id' },
    ]);
    for (const [name, choice] of [
      ['ann', 'o1'],
      ['bob', 'o2'],
      ['cat', 'o2'],
      ['bob', 'o1'],
    ]) {
      expect((await vote(name, d.id, [choice])).errors).toBeUndefined();
    }
    const open = await read('bob', d.id);
    expect(open).toMatchObject({ status: 'open', votesCast: 3, myVote: { choices: ['o1'] }, result: null });

    now += 2 * HOUR;
    expect((await vote('dan', d.id, ['o2'])).errors?.[0].extensions?.code).toBe('CONFLICT');
    const closed = await read('dan', d.id);
    expect(closed).toMatchObject({ status: 'closed', myVote: null });
    expect(closed.result).toEqual({
      ballots: 3,
      quorumMet: true,
      outcome: 'adopted',
      winners: ['o1'],
      counts: [
        { optionId: 'o1', count: 2 },
        { optionId: 'o2', count: 1 },
      ],
      objections: [],
    });
  });

  it('needs its quorum, also when closed early by the proposer', async () => {
    const d = await create({ title: 'Paint the hall', method: 'consent', quorum: 3 });
    expect(d.options.map((o: { id: string }) => o.id)).toEqual(['consent', 'object', 'stand-aside']);
    await vote('ann', d.id, ['consent']);
    await vote('bob', d.id, ['stand-aside']);
    expect(
      await client('cat').failure(
        'mutation ($o: ID!, $id: ID!) { closeDecision(orgId: $o, id: $id) { id } }',
        {
          o: org.orgId,
          id: d.id,
        },
      ),
    ).toBe('FORBIDDEN');
    const { closeDecision } = await client('ann').gql(
      `mutation ($o: ID!, $id: ID!) { closeDecision(orgId: $o, id: $id) { status result { outcome ballots quorumMet } } }`,
      { o: org.orgId, id: d.id },
    );
    expect(closeDecision).toEqual({
      status: 'closed',
      result: { outcome: 'no_quorum', ballots: 2, quorumMet: false },
    });
    expect((await vote('cat', d.id, ['consent'])).errors?.[0].extensions?.code).toBe('CONFLICT');
  });

  it('consent: one reasoned objection blocks the proposal', async () => {
    const d = await create({ title: 'Quiet hours after 22:00', method: 'consent', quorum: 2 });
    await vote('ann', d.id, ['consent']);
    expect((await vote('bob', d.id, ['object'])).errors?.[0].extensions?.fields?.[0].field).toBe('reason');
    await vote('bob', d.id, ['object'], 'the bakery starts at 4');
    now += 2 * HOUR;
    expect((await read('ann', d.id)).result).toMatchObject({
      outcome: 'rejected',
      objections: [{ voterId: org.members.bob.id, reason: 'the bakery starts at 4' }],
    });
  });

  it('approval: the most approved option wins; ties are reported', async () => {
    const d = await create({
      title: 'Festival day',
      method: 'approval',
      options: ['Fri', 'Sat', 'Sun'],
      quorum: 2,
    });
    await vote('ann', d.id, ['o1', 'o2']);
    await vote('bob', d.id, ['o2', 'o3']);
    await vote('cat', d.id, []);
    const e = await create({
      title: 'Festival food',
      method: 'approval',
      options: ['Soup', 'Pie'],
      quorum: 1,
    });
    await vote('ann', e.id, ['o1']);
    await vote('bob', e.id, ['o2']);
    now += 2 * HOUR;
    expect((await read('ann', d.id)).result).toMatchObject({
      outcome: 'adopted',
      winners: ['o2'],
      ballots: 3,
    });
    expect((await read('ann', e.id)).result).toMatchObject({ outcome: 'tie', winners: ['o1', 'o2'] });
    const { decisions } = await client('ann').gql(
      'query ($o: ID!) { decisions(orgId: $o, status: closed) { nodes { id } } }',
      { o: org.orgId },
    );
    expect(decisions.nodes.length).toBe(5);
  });

  it('refuses a deadline in the past', async () => {
    const res = await client('ann').request(CREATE, {
      input: {
        orgId: org.orgId,
        title: 'Late',
        method: 'majority',
        options: ['a', 'b'],
        deadline: new Date(now - 1),
      },
    });
    expect(res.errors?.[0].extensions?.fields).toEqual([
      { field: 'deadline', message: 'must be in the future' },
    ]);
  });
});
