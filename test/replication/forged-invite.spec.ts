/**
 * An invite code made up by a stranger, for an organisation a gateway
 * already holds: the operator pastes it, the stranger says "joined". The
 * gateway we join through is trusted to serve us the log until the log
 * shows our own admission; after that a stranger gains nothing by it, on
 * the creating gateway or on a joined one.
 */
import { encodeMessage } from '@gatehouse/mesh';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeInviteCode } from '../../apps/gateway/src/mesh/admission/invite-code.util.js';
import { MeshDirectory } from '../../apps/gateway/src/mesh/store/mesh-directory.js';
import {
  converged,
  createOrganization,
  inviteCode,
  join,
  type MeshGateway,
  savePage,
  startMeshGateways,
  stopAll,
} from './support/mesh-fixture.js';
import { type Rogue, startRogue } from './support/rogue-gateway.js';

describe('an invite code forged by a stranger', () => {
  let gws: MeshGateway[] = [];
  let rogue: Rogue | null = null;
  afterAll(async () => {
    await rogue?.close();
    await stopAll(gws);
  }, 60_000);

  it('does not make the stranger a co-host of an organisation already held', async () => {
    gws = await startMeshGateways(2, 'forged');
    const [a, b] = gws;
    const orgId = await createOrganization(a.operator, 'forged');
    await savePage(a.operator, orgId, 'members-only', 'not for strangers\n');
    await join(b, await inviteCode(a.operator, orgId));
    await converged(gws, orgId);

    const stranger = await startRogue();
    rogue = stranger;
    stranger.store.host(orgId, [a.peerId, b.peerId]);
    // Whatever it is asked, the stranger says the join worked.
    await stranger.answerPullsWith(() => [encodeMessage({ t: 'joined', org: orgId })]);
    const addrs = stranger.node.getMultiaddrs().map((m) => m.decapsulateCode(421).toString());
    const code = encodeInviteCode({
      org: orgId,
      invite: 'made-up',
      secret: 'made-up',
      peer: stranger.id,
      addrs,
    });

    for (const gw of [a, b]) {
      await stranger.connect(gw);
      await gw.operator.gql('mutation ($code: String!) { joinOrganization(code: $code) { orgId } }', {
        code,
      });
      expect(await gw.gateway.app.get(MeshDirectory).mayReplicate(orgId, stranger.id)).toBe(false);
      expect(await gw.gateway.app.get(MeshDirectory).isCoHost(stranger.id)).toBe(false);
      expect(await stranger.sync.pull(gw.peerId, orgId)).toMatchObject({
        refusedWith: 'not-admitted',
        applied: 0,
      });
    }
    expect(stranger.store.opCount(orgId)).toBe(0);
  }, 90_000);
});
