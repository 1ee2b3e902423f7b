/**
 * Grounds that arrive after the peer they concern connected. A gateway that
 * meets a co-host before it holds that co-host's admission cannot pull from
 * it; when the admission reaches it from elsewhere, it pulls soon after,
 * though the co-host has written nothing since and so announces nothing
 * (the commit starts the pull: GroundsWatch in libs/mesh, whose own tests pin
 * the mechanism down).
 */
import { withPeerId } from '@gatehouse/mesh';
import { afterAll, describe, expect, it } from 'vitest';
import { MeshNodeService } from '../../apps/gateway/src/mesh/node/mesh-node.service.js';
import { GatewayOpStore } from '../../apps/gateway/src/mesh/store/gateway-op-store.js';
import { OpLogService } from '../../apps/gateway/src/oplog/oplog.service.js';
import {
  converged,
  createOrganization,
  inviteCode,
  join,
  type MeshGateway,
  page,
  savePage,
  startMeshGateways,
  stopAll,
  syncOf,
  until,
} from './support/mesh-fixture.js';

const mesh = (gw: MeshGateway) => gw.gateway.app.get(MeshNodeService);

describe('grounds that arrive late', () => {
  let gws: MeshGateway[] = [];
  afterAll(() => stopAll(gws), 60_000);

  it('pulls from a co-host met before its admission was held as soon as the admission arrives, well within a resync', async () => {
    gws = await startMeshGateways(3, 'late');
    const [a, b, c] = gws;
    const orgId = await createOrganization(a.operator, 'late');
    await join(b, await inviteCode(a.operator, orgId));
    await converged([a, b], orgId);

    // b goes away; c joins through a, then a goes away and c writes.
    await mesh(b).stop();
    await join(c, await inviteCode(a.operator, orgId));
    await converged([a, c], orgId);
    await mesh(a).stop();
    const ownerOnC = c.client();
    await ownerOnC.logIn('late0-operator');
    await savePage(ownerOnC, orgId, 'written-apart', 'only c has this\n');

    // b and c meet. b has never heard of c: it pulls nothing from it, and refuses c's pull.
    await mesh(b).start();
    await mesh(c).libp2p!.dial(
      mesh(b)
        .addresses()
        .map((addr) => withPeerId(addr, b.peerId)),
      { signal: AbortSignal.timeout(5000) },
    );
    await until(
      () => syncOf(c).syncStates({ peer: b.peerId, org: orgId })[0]?.lastError === 'refused: not-admitted',
      10_000,
      "b to refuse c's pull",
    );
    expect(syncOf(b).syncStates({ peer: c.peerId, org: orgId })).toEqual([]);

    // c's admission reaches b from elsewhere (a's log, handed over as a peer would send it).
    const ownerOnB = b.client();
    await ownerOnB.logIn('late0-operator');
    await b.gateway.app
      .get(GatewayOpStore)
      .ingest(orgId, await a.gateway.app.get(OpLogService).opsOf(orgId, 10_000));
    // Within 10 s: sooner than b's periodic resync (every 30 s from its start) could bring it.
    await until(async () => (await page(ownerOnB, orgId, 'written-apart')) !== null, 10_000, "c's page at b");
    expect((await page(ownerOnB, orgId, 'written-apart'))?.content).toBe('only c has this\n');
  }, 90_000);
});
