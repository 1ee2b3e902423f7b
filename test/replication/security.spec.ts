/**
 * Hostile input from the mesh, against real gateways: a gateway with a valid
 * key but no admission, a forged signature, an op whose actor lacks the role,
 * a replayed op with a changed payload. Each is refused on every receiving
 * gateway, nothing of it is stored, and the state stays as it was. And a run
 * whose older signatures are garbage (only the newest one is checked) is
 * relayed by an honest gateway without the garbage, and without blame.
 */
import { randomBytes } from 'node:crypto';
import {
  canonicalDecode,
  canonicalEncode,
  decodeOp,
  encodeMessage,
  generateIdentity,
  isNoSignature,
  isSenderFault,
  type Op,
  verifyOpSignature,
  withPeerId,
} from '@gatehouse/mesh';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeshNodeService } from '../../apps/gateway/src/mesh/node/mesh-node.service.js';
import { GatewayOpStore } from '../../apps/gateway/src/mesh/store/gateway-op-store.js';
import { PURCHASE_REQUEST } from '../workflows/org-fixture.js';
import {
  admitAll,
  converged,
  createOrganization,
  inviteCode,
  type MeshGateway,
  opCount,
  startMeshGateways,
  stateHash,
  stopAll,
  syncOf,
  until,
} from './support/mesh-fixture.js';
import { admitRogue, chainOf, type Rogue, startRogue, wikiEdit } from './support/rogue-gateway.js';

describe('hostile input from other gateways', () => {
  let gws: MeshGateway[] = [];
  let receivers: MeshGateway[];
  let rogue: Rogue;
  let orgId: string;
  let ownerId: string;
  let viewerId: string;

  /** State of every receiving gateway, to show that nothing changed. */
  const snapshot = () =>
    Promise.all(receivers.map(async (g) => [await stateHash(g, orgId), await opCount(g, orgId)]));
  /** The newest op of the rogue's chain that `gw` holds (effective or void): where a crafted chain goes on from. */
  const rogueTip = async (gw: MeshGateway): Promise<{ seq: number; id: string } | null> =>
    (
      await gw.gateway.dataSource.query(
        'SELECT seq, id FROM op_chain WHERE org = ? AND author = ? ORDER BY seq DESC LIMIT 1',
        [orgId, rogue.id],
      )
    )[0] ?? null;
  /** Signs an account up on the first gateway and makes it a member of the organisation. */
  const newMember = async (name: string) => {
    const client = gws[0].client();
    const id = await client.signUp(name);
    await gws[0].operator.gql(
      'mutation ($o: ID!, $a: ID!) { setMemberRole(orgId: $o, accountId: $a, role: member) }',
      { o: orgId, a: id },
    );
    return { client, id };
  };
  const holds = async (gw: MeshGateway, id: string) =>
    (await gw.gateway.dataSource.query('SELECT 1 FROM op WHERE id = ?', [id])).length > 0;
  const refusedCount = async (gw: MeshGateway, reason: string) => {
    const text = await (await fetch(`${gw.url}/metrics`)).text();
    const m = new RegExp(`gatehouse_sync_ops_refused_total\\{reason="${reason}"\\} (\\d+)`).exec(text);
    return m ? Number(m[1]) : 0;
  };

  beforeAll(async () => {
    gws = await startMeshGateways(3, 'sec');
    receivers = gws.slice(1);
    orgId = await createOrganization(gws[0].operator, 'fortress');
    ownerId = (await gws[0].operator.gql('{ me { account { id } } }')).me.account.id;
    const viewer = gws[0].client();
    viewerId = await viewer.signUp('sec-viewer');
    await gws[0].operator.gql(
      'mutation ($o: ID!, $a: ID!) { setMemberRole(orgId: $o, accountId: $a, role: viewer) }',
      {
        o: orgId,
        a: viewerId,
      },
    );
    await admitAll(gws[0].operator, orgId, receivers);
    // The rogue holds a valid admission: a compromised member of the mesh.
    rogue = await startRogue();
    await admitRogue(
      rogue,
      await inviteCode(gws[0].operator, orgId),
      gws.map((g) => g.peerId),
    );
    await converged(gws, orgId);
    for (const gw of receivers) await rogue.connect(gw);
  }, 120_000);
  afterAll(async () => {
    await rogue?.close();
    await stopAll(gws);
  }, 60_000);

  it('refuses ops authored by a gateway with a valid key that was never admitted', async () => {
    const before = await snapshot();
    const intruder = await generateIdentity();
    const ops = chainOf(intruder, orgId, [wikiEdit(orgId, 'intruder', ownerId, 'I was never admitted')]);
    rogue.store.forceStore(ops);
    for (const gw of receivers) {
      const refusedBefore = await refusedCount(gw, 'not-admitted');
      const result = await syncOf(gw).pull(rogue.id, orgId);
      expect(result.applied).toBe(0);
      expect(await holds(gw, ops[0].id)).toBe(false);
      expect(await refusedCount(gw, 'not-admitted')).toBeGreaterThan(refusedBefore);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a direct connection from that gateway too', async () => {
    const intruder = await startRogue();
    try {
      intruder.store.host(
        orgId,
        gws.map((g) => g.peerId),
      );
      intruder.store.forceStore(
        chainOf(intruder.identity, orgId, [wikiEdit(orgId, 'x', ownerId, 'let me in')]),
      );
      for (const gw of receivers) {
        await intruder.connect(gw);
        const result = await intruder.sync.pull(gw.peerId, orgId);
        expect(result.refusedWith).toBe('not-admitted');
        // The receiver never pulls from it: it may not replicate this organisation.
        await syncOf(gw).syncPeer(intruder.id);
        expect(await opCount(gw, orgId)).toBe(await opCount(gws[0], orgId));
      }
    } finally {
      await intruder.close();
    }
  });

  it('refuses an op whose actor lacks the role it needs, from an admitted gateway', async () => {
    const before = await snapshot();
    // The rogue's own (admitted) key, but a viewer cannot edit the wiki.
    const ops = chainOf(rogue.identity, orgId, [wikiEdit(orgId, 'vandal', viewerId, 'defaced')]);
    rogue.store.forceStore(ops);
    for (const gw of receivers) {
      const refusedBefore = await refusedCount(gw, 'no-role');
      const result = await syncOf(gw).pull(rogue.id, orgId);
      expect(result.applied).toBe(0);
      expect(result.refused).toBeGreaterThan(0);
      expect(await holds(gw, ops[0].id)).toBe(false);
      expect(await refusedCount(gw, 'no-role')).toBeGreaterThan(refusedBefore);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a member closing a decision or deleting a comment that is not theirs, and lets the proposer close', async () => {
    const owner = gws[0].operator;
    const { id: memberId } = await newMember('sec-member');
    const { createDecision } = await owner.gql(
      'mutation ($i: CreateDecisionInput!) { createDecision(input: $i) { id } }',
      { i: { orgId, title: 'Well repairs', method: 'consent', deadline: new Date(Date.now() + 86_400_000) } },
    );
    const { createBlogPost } = await owner.gql(
      'mutation ($i: CreateBlogPostInput!) { createBlogPost(input: $i) { id } }',
      { i: { orgId, title: 'News', content: 'the well is fixed', publish: true } },
    );
    const { addComment } = await owner.gql(
      'mutation ($i: AddCommentInput!) { addComment(input: $i) { id } }',
      {
        i: { orgId, postId: createBlogPost.id, content: 'thanks, all' },
      },
    );
    await converged(gws, orgId);
    const before = await snapshot();
    const close = (actor: string) => ({
      kind: 'decision.closed',
      entity: createDecision.id,
      actor,
      payload: { orgId, decisionId: createDecision.id },
    });
    const deleteComment = {
      kind: 'blog.commentDeleted',
      entity: addComment.id,
      actor: memberId,
      payload: { orgId, commentId: addComment.id },
    };
    for (const gw of receivers) {
      const tip = await rogueTip(gw);
      const store = gw.gateway.app.get(GatewayOpStore);
      for (const draft of [close(memberId), deleteComment]) {
        const result = await store.ingest(orgId, chainOf(rogue.identity, orgId, [draft], tip));
        expect(result.applied).toBe(0);
        expect(result.rejected.map((r) => r.reason)).toEqual([
          expect.stringMatching(/^no-role .*needs (admin|editor)/),
        ]);
      }
    }
    // Nor may the proposer point a close at one decision and name another (projections act on the entity).
    const [gw0] = receivers;
    const tip0 = await rogueTip(gw0);
    const mismatched = { ...close(ownerId), payload: { orgId, decisionId: 'some-other-decision' } };
    const refused = await gw0.gateway.app
      .get(GatewayOpStore)
      .ingest(orgId, chainOf(rogue.identity, orgId, [mismatched], tip0));
    expect(refused.rejected.map((r) => r.reason)).toEqual(['entity must be the decision id']);
    expect(await snapshot()).toEqual(before);
    // The proposer may close their own decision from any gateway.
    const [gw] = receivers;
    const tip = await rogueTip(gw);
    const ops = chainOf(rogue.identity, orgId, [close(ownerId)], tip);
    const closed = await gw.gateway.app.get(GatewayOpStore).ingest(orgId, ops);
    expect(closed.rejected).toEqual([]);
    // Applied, not kept void: it is in the effective log.
    expect(await holds(gw, ops[0].id)).toBe(true);
    await converged(gws, orgId);
  });

  it('refuses a ballot from a member without a voter role, takes it once a custom voter role is granted, keeps one void after', async () => {
    const owner = gws[0].operator;
    const { id: memberId } = await newMember('sec-voter');
    const { createDecision } = await owner.gql(
      'mutation ($i: CreateDecisionInput!) { createDecision(input: $i) { id options { id } } }',
      {
        i: {
          orgId,
          title: 'Who keeps the keys',
          method: 'majority',
          options: ['Ana', 'Ben'],
          voterRoles: ['editor', 'steward'],
          deadline: new Date(Date.now() + 86_400_000),
        },
      },
    );
    await converged(gws, orgId);
    const ballot = {
      kind: 'decision.voted',
      entity: `${createDecision.id}/${memberId}`,
      actor: memberId,
      payload: { orgId, decisionId: createDecision.id, choices: [createDecision.options[0].id], reason: '' },
    };
    const steward = (verb: 'grant' | 'revoke') =>
      owner.gql(`mutation ($i: WorkflowRoleInput!) { ${verb}WorkflowRole(input: $i) }`, {
        i: { orgId, accountId: memberId, role: 'steward' },
      });
    const before = await snapshot();
    for (const gw of receivers) {
      const result = await gw.gateway.app
        .get(GatewayOpStore)
        .ingest(orgId, chainOf(rogue.identity, orgId, [ballot], await rogueTip(gw)));
      expect(result.applied).toBe(0);
      expect(result.rejected.map((r) => r.reason)).toEqual([
        `no-role (${memberId} holds none of the voter roles: editor, steward)`,
      ]);
    }
    expect(await snapshot()).toEqual(before);
    // The ballot must name the decision and the voter in its entity, as ballots are found by it.
    const [gw] = receivers;
    const misfiled = { ...ballot, actor: ownerId, entity: `${createDecision.id}/${memberId}` };
    const refused = await gw.gateway.app
      .get(GatewayOpStore)
      .ingest(orgId, chainOf(rogue.identity, orgId, [misfiled], await rogueTip(gw)));
    expect(refused.rejected.map((r) => r.reason)).toEqual(['entity must be <decision id>/<voter id>']);
    // A custom voter role, granted on the first gateway, lets the same ballot in everywhere.
    await steward('grant');
    await converged(gws, orgId);
    const ops = chainOf(rogue.identity, orgId, [ballot], await rogueTip(gw));
    const taken = await gw.gateway.app.get(GatewayOpStore).ingest(orgId, ops);
    expect(taken.rejected).toEqual([]);
    await converged(gws, orgId);
    // Applied, not kept void, on every gateway it reached.
    for (const g of gws) expect(await holds(g, ops[0].id)).toBe(true);
    // Taken back: a later ballot (cast on a gateway that had not heard) is kept void, not refused,
    // so that the chain of the gateway that sent it goes on.
    await steward('revoke');
    await converged(gws, orgId);
    const late = chainOf(rogue.identity, orgId, [ballot], await rogueTip(gw));
    const kept = await gw.gateway.app.get(GatewayOpStore).ingest(orgId, late);
    expect(kept.rejected).toEqual([]);
    await converged(gws, orgId);
    for (const g of gws) {
      expect(await holds(g, late[0].id)).toBe(false);
      expect(
        await g.gateway.dataSource.query('SELECT void_reason FROM op_void WHERE id = ?', [late[0].id]),
      ).toEqual([{ void_reason: `no-role (${memberId} holds none of the voter roles: editor, steward)` }]);
    }
  });

  it("refuses workflow ops whose actor lacks the workflow's roles, and takes a transition by its role", async () => {
    const owner = gws[0].operator;
    const { client: requester, id: requesterId } = await newMember('sec-requester');
    await owner.gql('mutation ($i: WorkflowRoleInput!) { grantWorkflowRole(input: $i) }', {
      i: { orgId, accountId: requesterId, role: 'requester' },
    });
    const { defineWorkflow } = await owner.gql(
      'mutation ($i: DefineWorkflowInput!) { defineWorkflow(input: $i) { id } }',
      { i: { orgId, definition: PURCHASE_REQUEST, startRoles: ['requester'] } },
    );
    const workflowId = defineWorkflow.id;
    const { startWorkflowItem } = await requester.gql(
      'mutation ($i: StartWorkflowItemInput!) { startWorkflowItem(input: $i) { id } }',
      { i: { orgId, workflowId, title: 'Seeds', data: { amount: 40, reason: 'spring sowing' } } },
    );
    const itemId = startWorkflowItem.id;
    await converged(gws, orgId);
    const [{ id: versionId }] = await gws[0].gateway.dataSource.query(
      'SELECT id FROM workflow_version WHERE workflow_id = ?',
      [workflowId],
    );
    const transition = (actor: string, transitionId: string, fromState: string) => ({
      kind: 'workflow.itemTransitioned',
      entity: itemId,
      actor,
      payload: { orgId, itemId, transitionId, fromState },
    });
    const refusals: [Parameters<typeof chainOf>[2][number], string][] = [
      [
        {
          kind: 'workflow.itemStarted',
          entity: 'rogue-item',
          actor: viewerId,
          payload: { orgId, itemId: 'rogue-item', workflowId, versionId, title: 'Mine', data: {} },
        },
        `no-role (${viewerId} holds none of the start roles: requester)`,
      ],
      [
        transition(requesterId, 'approve', 'submitted'),
        `no-role (${requesterId} holds none of the roles of transition approve: board, treasurer)`,
      ],
      [
        {
          kind: 'workflow.published',
          entity: workflowId,
          actor: requesterId,
          payload: {
            orgId,
            workflowId,
            versionId: 'rogue-version',
            key: PURCHASE_REQUEST.key,
            version: 2,
            definition: JSON.parse(JSON.stringify({ ...PURCHASE_REQUEST, version: 2 })),
            startRoles: ['requester'],
          },
        },
        `no-role (${requesterId} holds none of the designer roles: admin, designer)`,
      ],
      [
        // By an admin, but not a workflow: replay and the judge would trip over it for good.
        {
          kind: 'workflow.published',
          entity: workflowId,
          actor: ownerId,
          payload: {
            orgId,
            workflowId,
            versionId: 'broken-version',
            key: PURCHASE_REQUEST.key,
            version: 2,
            definition: {},
            startRoles: ['requester'],
          },
        },
        'invalid workflow definition (name: name must be a non-empty string)',
      ],
    ];
    const before = await snapshot();
    for (const gw of receivers) {
      const store = gw.gateway.app.get(GatewayOpStore);
      for (const [draft, reason] of refusals) {
        const result = await store.ingest(orgId, chainOf(rogue.identity, orgId, [draft], await rogueTip(gw)));
        expect(result.rejected.map((r) => r.reason)).toEqual([reason]);
      }
    }
    expect(await snapshot()).toEqual(before);
    // The requester's own submit, relayed by the same gateway, is taken everywhere.
    const [gw] = receivers;
    const ops = chainOf(
      rogue.identity,
      orgId,
      [transition(requesterId, 'submit', 'draft')],
      await rogueTip(gw),
    );
    expect((await gw.gateway.app.get(GatewayOpStore).ingest(orgId, ops)).rejected).toEqual([]);
    await converged(gws, orgId);
    for (const g of gws) {
      expect(await holds(g, ops[0].id)).toBe(true);
      const [item] = await g.gateway.dataSource.query('SELECT state FROM workflow_item WHERE id = ?', [
        itemId,
      ]);
      expect(item.state).toBe('submitted');
    }
  });

  it('refuses a forged signature and penalises the gateway that sent it', async () => {
    const before = await snapshot();
    const [a] = gws;
    const tip = (
      await a.gateway.dataSource.query(
        'SELECT seq, id FROM op_chain WHERE org = ? AND author = ? ORDER BY seq DESC LIMIT 1',
        [orgId, a.peerId],
      )
    )[0] as { seq: number; id: string };
    // Claims to be gateway a's next op, signed with the rogue's key.
    const forged = chainOf(
      rogue.identity,
      orgId,
      [wikiEdit(orgId, 'home', ownerId, 'forged', a.peerId)],
      tip,
    );
    rogue.store.forceStore(forged);
    for (const gw of receivers) {
      await expect(syncOf(gw).pull(rogue.id, orgId)).rejects.toThrow(/bad-signature|forged/);
      expect(await holds(gw, forged[0].id)).toBe(false);
      expect(syncOf(gw).scores.score(rogue.id).offences.forged).toBeGreaterThanOrEqual(1);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a replayed op whose payload was changed, from the wire and from any other path', async () => {
    const before = await snapshot();
    const [a] = gws;
    const [row] = await a.gateway.dataSource.query(
      // a's second op in the organisation: the owner's account.published.
      `SELECT body, sig FROM op WHERE org = ? AND author = ? AND seq = 2`,
      [orgId, a.peerId],
    );
    const body = canonicalDecode(new Uint8Array(row.body)) as Record<string, unknown>;
    const changed = canonicalEncode({
      ...body,
      payload: { ...(body.payload as object), displayName: 'replayed' },
    });
    await rogue.answerPullsWith(() => [
      encodeMessage({ t: 'ops', ops: [[changed, new Uint8Array(row.sig)]] }),
      encodeMessage({ t: 'end', vv: {} }),
    ]);
    for (const gw of receivers) {
      await expect(syncOf(gw).pull(rogue.id, orgId)).rejects.toThrow(/below our version vector|replay/);
      expect(syncOf(gw).scores.score(rogue.id).offences.replay).toBeGreaterThanOrEqual(1);
      // The same bytes reaching the log by any other path are refused as a fork of a's chain.
      const op: Op = decodeOp(changed, new Uint8Array(row.sig));
      const outcome = await gw.gateway.app.get(GatewayOpStore).ingest(orgId, [op]);
      expect(outcome.applied).toBe(0);
      expect(outcome.rejected[0].reason).toBe('fork');
    }
    expect(await snapshot()).toEqual(before);
  });

  it('keeps the part of a run before a refused op only when it can vouch for the newest op kept', async () => {
    const before = await snapshot();
    const [gw] = receivers;
    const store = gw.gateway.app.get(GatewayOpStore);
    const tip = await rogueTip(gw);
    const run = chainOf(
      rogue.identity,
      orgId,
      [
        wikiEdit(orgId, 'cut-1', ownerId, 'one'),
        wikiEdit(orgId, 'cut-2', ownerId, 'two'),
        wikiEdit(orgId, 'cut-3', viewerId, 'a viewer may not edit'),
        wikiEdit(orgId, 'cut-4', ownerId, 'four'),
      ],
      tip,
    );
    const garbled = (op: Op): Op => ({ ...op, sig: new Uint8Array(64).fill(9) });
    // The newest signature is valid, so the run is authentic; the third op has no authority. What would be
    // kept ends at the second op, whose signature is garbage: this gateway could not send it on. Refused whole.
    const first = await store.ingest(orgId, [garbled(run[0]), garbled(run[1]), garbled(run[2]), run[3]]);
    expect(first.applied).toBe(0);
    expect(first.rejected.map((r) => r.reason.split(' ')[0])).toEqual([
      'precedes',
      'precedes',
      'no-role',
      'follows',
    ]);
    expect(first.rejected.some((r) => isSenderFault(r.reason))).toBe(false);
    expect(await snapshot()).toEqual(before);
    // With a valid signature at the second op, the part before the refusal is kept, that signature verified.
    const second = await store.ingest(orgId, [garbled(run[0]), run[1], garbled(run[2]), run[3]]);
    expect(second.applied).toBe(2);
    const kept = await gw.gateway.dataSource.query(
      'SELECT seq, sig_verified AS v FROM op WHERE org = ? AND author = ? AND seq > ? ORDER BY seq',
      [orgId, rogue.id, tip?.seq ?? 0],
    );
    expect(kept).toEqual([
      { seq: run[0].seq, v: 0 },
      { seq: run[1].seq, v: 1 },
    ]);
  });

  it('refuses a fork of an admitted chain, keeps the signed evidence and shows it to the operator', async () => {
    const [gw] = receivers;
    const store = gw.gateway.app.get(GatewayOpStore);
    const [tip] = await gw.gateway.dataSource.query(
      'SELECT seq, id FROM op_chain WHERE org = ? AND author = ? ORDER BY seq DESC LIMIT 1',
      [orgId, rogue.id],
    );
    // Two different ops signed by the rogue for the same place in its chain.
    const [told] = chainOf(
      rogue.identity,
      orgId,
      [wikiEdit(orgId, 'fork', ownerId, 'told to b')],
      tip ?? null,
    );
    const [other] = chainOf(
      rogue.identity,
      orgId,
      [wikiEdit(orgId, 'fork', ownerId, 'told to c')],
      tip ?? null,
    );
    expect(told.seq).toBe(other.seq);
    expect((await store.ingest(orgId, [told])).applied).toBe(1);
    // The other receiver syncs it too before the state is taken.
    await converged(receivers, orgId);
    const before = await snapshot();
    const forked = await store.ingest(orgId, [other]);
    // Signed by the author: its fault, not that of whoever relays it (an honest gateway may hold either branch).
    expect(forked.rejected.map((r) => r.reason)).toEqual(['forked-by-author']);
    expect(await snapshot()).toEqual(before);
    // A forged "fork" (not signed by the author) is refused too, but is no evidence against it.
    await store.ingest(orgId, [{ ...other, id: told.id.replace(/^./, (c) => (c === '0' ? '1' : '0')) }]);
    const { meshStatus } = await gw.operator.gql(
      '{ meshStatus { forks { orgId author seq heldOpId otherOpId seenAt } } }',
    );
    expect(meshStatus.forks).toEqual([
      {
        orgId,
        author: rogue.id,
        seq: told.seq,
        heldOpId: told.id,
        otherOpId: other.id,
        seenAt: expect.any(String),
      },
    ]);
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toMatch(/gatehouse_oplog_forks_total 1\b/);
  });
});

describe('a run relayed with garbage in its older signatures', () => {
  let gws: MeshGateway[] = [];
  let rogue: Rogue | null = null;
  afterAll(async () => {
    await rogue?.close();
    await stopAll(gws);
  }, 60_000);

  it('reaches a gateway that syncs only through the one it was slipped into, which is not blamed', async () => {
    gws = await startMeshGateways(3, 'relay');
    const [a, b, c] = gws;
    const orgId = await createOrganization(a.operator, 'relay');
    const ownerId = (await a.operator.gql('{ me { account { id } } }')).me.account.id;
    await admitAll(a.operator, orgId, [b, c]);
    rogue = await startRogue();
    await admitRogue(
      rogue,
      await inviteCode(a.operator, orgId),
      gws.map((g) => g.peerId),
    );
    await converged(gws, orgId);

    // From here on c can get the run only from b: a is gone and the rogue talks to b alone.
    await a.close();
    const cNode = c.gateway.app.get(MeshNodeService).libp2p!;
    await cNode.dial(
      b.gateway.app
        .get(MeshNodeService)
        .addresses()
        .map((addr) => withPeerId(addr, b.peerId)),
      { signal: AbortSignal.timeout(5000) },
    );
    await until(() => syncOf(c).connectedPeers().includes(b.peerId), 5000, 'c to connect to b');

    // The rogue's own admitted key and an owner's edits: all authorised. Only the newest op is signed
    // properly; b checks that signature alone, as designed. More ops than a batch, so b must cut the run.
    const run = chainOf(
      rogue.identity,
      orgId,
      Array.from({ length: 700 }, (_, i) => wikiEdit(orgId, `relayed-${i % 5}`, ownerId, `edit ${i}`)),
    );
    const garbage = new Set<string>();
    const sent = run.map((op, i): [Uint8Array, Uint8Array] => {
      if (i === run.length - 1) return [op.bytes, op.sig];
      const sig = new Uint8Array(randomBytes(64));
      garbage.add(Buffer.from(sig).toString('hex'));
      return [op.bytes, sig];
    });
    await rogue.answerPullsWith(() => [
      encodeMessage({ t: 'ops', ops: sent }),
      encodeMessage({ t: 'end', vv: {} }),
    ]);
    const rows = (gw: MeshGateway): Promise<{ id: string; body: Uint8Array; sig: Uint8Array; v: number }[]> =>
      gw.gateway.dataSource.query(
        'SELECT id, body, sig, sig_verified AS v FROM op WHERE org = ? AND author = ? ORDER BY seq',
        [orgId, rogue!.id],
      );
    await rogue.connect(b);
    await until(async () => (await rows(b)).length === run.length, 30_000, 'b to take the run');
    // b holds the run, with the one signature it checked marked as verified.
    expect((await rows(b)).filter((r) => r.v === 1).map((r) => r.id)).toEqual([run[run.length - 1].id]);

    await converged([b, c], orgId, 30_000);
    await syncOf(c).whenIdle();
    expect(syncOf(c).scores.score(b.peerId).offences).toEqual({});
    const again = await syncOf(c).pull(b.peerId, orgId);
    expect(again).toMatchObject({ refusedWith: null, applied: 0 });
    // None of the garbage reached c: each signature it holds is real, or the placeholder for one b had not checked.
    const held = await rows(c);
    expect(held.length).toBe(run.length);
    for (const row of held) {
      expect(garbage.has(Buffer.from(row.sig).toString('hex'))).toBe(false);
      const op = decodeOp(new Uint8Array(row.body), new Uint8Array(row.sig));
      expect(isNoSignature(op.sig) || verifyOpSignature(op)).toBe(true);
    }
    // The relayed edits are there, as on b.
    expect(await stateHash(c, orgId)).toBe(await stateHash(b, orgId));
  }, 180_000);
});
