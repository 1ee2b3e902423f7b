/**
 * The peers a gateway remembers and redials. Any key that speaks the sync
 * protocol is remembered, so throwaway keys must neither push a co-host out
 * of the redial list, however long ago it was seen, nor grow the table
 * without bound.
 */

import { generateIdentity, KEEP_CONNECTED_TAG } from '@gatehouse/mesh';
import { peerIdFromString } from '@libp2p/peer-id';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeshNodeService } from '../../apps/gateway/src/mesh/node/mesh-node.service.js';
import {
  ADDRESSES_KEPT,
  MeshDirectory,
  OTHER_PEERS_KEPT,
} from '../../apps/gateway/src/mesh/store/mesh-directory.js';
import {
  createOrganization,
  inviteCode,
  join,
  type MeshGateway,
  startMeshGateways,
  stopAll,
  until,
} from './support/mesh-fixture.js';

const directoryOf = (gw: MeshGateway) => gw.gateway.app.get(MeshDirectory);

/** Remembers `count` unknown peers, each seen after the last. */
async function rememberStrangers(gw: MeshGateway, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const { peerId } = await generateIdentity();
    await directoryOf(gw).rememberPeer(peerId, [`/ip4/192.0.2.${i % 250}/tcp/4001`]);
  }
}

/** Makes `peer` look as if `gw` last saw it long ago. */
async function seenLongAgo(gw: MeshGateway, peer: string): Promise<void> {
  await gw.gateway.dataSource.query('UPDATE mesh_peer SET seen_at = 1 WHERE peer_id = ?', [peer]);
}

describe('known peers', () => {
  let gws: MeshGateway[] = [];

  beforeAll(async () => {
    gws = await startMeshGateways(2, 'known');
    const [a, b] = gws;
    const orgId = await createOrganization(a.operator, 'hamlet');
    await join(b, await inviteCode(a.operator, orgId));
  }, 60_000);
  afterAll(() => stopAll(gws), 60_000);

  it('keeps a co-host seen long ago in the redial list after 300 fresher unknown peers, and bounds the rest', async () => {
    const [a, b] = gws;
    // b joined through a, a's creating gateway; a admitted b. Each is the other's co-host.
    for (const [here, coHost] of [
      [b, a],
      [a, b],
    ] as const) {
      expect((await directoryOf(here).knownCoHosts()).map((p) => p.peerId)).toContain(coHost.peerId);
      // What a relay server asks before it keeps a slot for a peer.
      expect(await directoryOf(here).isCoHost(coHost.peerId)).toBe(true);
      expect(await directoryOf(here).isCoHost((await generateIdentity()).peerId)).toBe(false);
      // A co-host that went away: not connected, last seen long ago.
      if (coHost === b) await b.close();
      await seenLongAgo(here, coHost.peerId);
      await rememberStrangers(here, 300);

      const known = (await directoryOf(here).knownPeers()).map((p) => p.peerId);
      expect(known).toContain(coHost.peerId);
      expect(known.length).toBeLessThanOrEqual(OTHER_PEERS_KEPT + 1);
      const coHosts = await directoryOf(here).knownCoHosts();
      expect(coHosts.map((p) => p.peerId)).toEqual([coHost.peerId]);
      expect(coHosts[0].addrs.length).toBeGreaterThan(0);
      // Pruned now and then: the strangers seen last are kept, the oldest forgotten.
      await directoryOf(here).prunePeers();
      const [{ n }] = await here.gateway.dataSource.query('SELECT COUNT(*) AS n FROM mesh_peer');
      expect(n).toBe(OTHER_PEERS_KEPT + 1);
    }
  }, 60_000);

  it('keeps the addresses of a peer that others can dial when it reports more than it keeps', async () => {
    const [a] = gws;
    const { peerId } = await generateIdentity();
    // A box with many local interfaces (containers, loopback aliases) lists them before its LAN address.
    const local = Array.from({ length: 20 }, (_, i) => `/ip4/127.0.0.${i + 1}/tcp/4001`);
    await directoryOf(a).rememberPeer(peerId, [...local, '/ip4/10.1.2.3/tcp/4001']);
    const [known] = (await directoryOf(a).knownPeers()).filter((p) => p.peerId === peerId);
    expect(known.addrs[0]).toBe('/ip4/10.1.2.3/tcp/4001');
    expect(known.addrs).toHaveLength(ADDRESSES_KEPT);
  });

  it('keeps co-hosts connected across a restart, not every peer it remembers', async () => {
    const [a, b] = gws;
    // Only peers on this box: a restart dials some of the peers remembered.
    await a.gateway.dataSource.query("DELETE FROM mesh_peer WHERE addrs NOT LIKE '%127.0.0.%'");
    await directoryOf(a).rememberPeer(b.peerId, ['/ip4/127.0.0.1/tcp/9']);
    const { peerId: stranger } = await generateIdentity();
    await directoryOf(a).rememberPeer(stranger, ['/ip4/127.0.0.1/tcp/9']);
    const mesh = a.gateway.app.get(MeshNodeService);
    await mesh.stop();
    await mesh.start();
    const store = mesh.libp2p?.peerStore;
    const tags = async (peer: string) => [
      ...((await store?.get(peerIdFromString(peer)).catch(() => null))?.tags.keys() ?? []),
    ];
    await until(async () => (await store?.has(peerIdFromString(stranger))) ?? false, 5000, 'peers known');
    expect(await tags(b.peerId)).toContain(KEEP_CONNECTED_TAG);
    expect(await tags(stranger)).not.toContain(KEEP_CONNECTED_TAG);
  });
});
