/**
 * Hostile input from the mesh, against real gateways: a gateway with a valid
 * key but no admission, a forged signature, an op whose actor lacks the role,
 * a replayed op with a changed payload. Each is refused on every receiving
 * gateway, nothing of it is stored, and the state stays as it was.
 */
import {
  canonicalDecode,
  canonicalEncode,
  decodeOp,
  encodeMessage,
  generateIdentity,
  type Op,
} from '@gatehouse/mesh';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayOpStore } from '../../apps/gateway/src/mesh/store/gateway-op-store.js';
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

  it('refuses a forged signature and penalises the gateway that sent it', async () => {
    const before = await snapshot();
    const [a] = gws;
    const tip = (
      await a.gateway.dataSource.query(
        'SELECT seq, id FROM op WHERE org = ? AND author = ? ORDER BY seq DESC LIMIT 1',
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
});
