/**
 * Setups for the replication suite: the same gateways (MemoryOpStore + sync
 * service) over in-process streams, over real libp2p on loopback TCP, or over
 * libp2p through a circuit relay (gateways behind NAT, reachable only by
 * their `/p2p-circuit` addresses).
 */

import { peerIdFromString } from '@libp2p/peer-id';
import { generateIdentity } from '../identity/gateway-identity.js';
import { createGatewayNode, type GatewayNode, type GatewayNodeInit } from '../node/gateway-node.js';
import { circuitAddresses, isRelayedAddress } from '../node/peer-addresses.js';
import { SYNC_PROTOCOL } from '../sync/constants.js';
import { sync } from '../sync/index.js';
import { MemoryOpStore } from '../sync/memory-op-store.js';
import { PeerScores } from '../sync/peer-scores.js';
import { GatehouseSync } from '../sync/sync-service.js';
import type { SyncService } from '../sync/types.js';
import { InProcessNetwork } from './in-process-network.js';
import { eventually, type SuiteNetwork, type SuiteOptions, type SuitePeer } from './replication-suite.js';

/** Periodic resync off: the suite checks that announcements alone deliver. */
const SERVICE_DEFAULTS = { resyncIntervalMs: 0, announceDelayMs: 10 } as const;

/** A suite gateway on a libp2p node, and the peers it must not reach while the test holds their link down. */
export interface Libp2pSuitePeer {
  readonly node: GatewayNode<{ sync: SyncService }>;
  readonly peer: SuitePeer;
  readonly cut: Set<string>;
}

/**
 * Starts a suite gateway on a libp2p node (no mDNS, no DHT). Its gate refuses
 * banned peers and those in `cut`: libp2p would otherwise redial kept-alive
 * peers at once, and a "dropped" link would heal by itself.
 */
export async function startLibp2pPeer(
  options: SuiteOptions,
  init: Pick<GatewayNodeInit, 'listen' | 'relay'> & { refusesAddress?: (addr: string) => boolean },
): Promise<Libp2pSuitePeer> {
  const identity = await generateIdentity();
  const store = new MemoryOpStore(identity);
  const scores = new PeerScores();
  const cut = new Set<string>();
  const node = await createGatewayNode({
    privateKey: identity.privateKey,
    listen: init.listen,
    mdns: false,
    dht: false,
    relay: init.relay,
    // Every peer runs on this machine, some with no listen address of their own.
    peersOnThisBox: true,
    gate: {
      isBanned: (peer: string) => scores.isBanned(peer) || cut.has(peer),
      refusesAddress: init.refusesAddress,
    },
    services: { sync: sync({ store, scores, batchOps: options.batchOps, ...SERVICE_DEFAULTS }) },
  });
  return { node, peer: { id: identity.peerId, store, sync: node.services.sync }, cut };
}

/** Lets `a` and `b` reach each other again, dials `addrs` from `a`, and waits until both sync services see the other. */
export async function connectPeers(
  started: readonly Libp2pSuitePeer[],
  a: number,
  b: number,
  addrs: Parameters<GatewayNode['dial']>[0],
): Promise<void> {
  started[a].cut.delete(started[b].peer.id);
  started[b].cut.delete(started[a].peer.id);
  await started[a].node.dial(addrs, { signal: AbortSignal.timeout(5000) });
  // dial() resolves on the dialling side first.
  await eventually(
    () =>
      started[a].peer.sync.connectedPeers().includes(started[b].peer.id) &&
      started[b].peer.sync.connectedPeers().includes(started[a].peer.id),
    5000,
    'both ends of the connection',
  );
}

/** Hangs up between `a` and `b` and keeps them from redialling each other. */
export async function disconnectPeers(
  started: readonly Libp2pSuitePeer[],
  a: number,
  b: number,
): Promise<void> {
  started[a].cut.add(started[b].peer.id);
  started[b].cut.add(started[a].peer.id);
  await started[a].node.hangUp(started[b].node.peerId);
}

export async function inProcessSetup(options: SuiteOptions): Promise<SuiteNetwork> {
  const network = new InProcessNetwork();
  const peers: SuitePeer[] = [];
  const services: GatehouseSync[] = [];
  for (let i = 0; i < options.peers; i++) {
    const identity = await generateIdentity();
    const store = new MemoryOpStore(identity);
    const service = new GatehouseSync(network.components(peerIdFromString(identity.peerId)), {
      store,
      scores: new PeerScores(),
      batchOps: options.batchOps,
      ...SERVICE_DEFAULTS,
    });
    await service.start();
    services.push(service);
    peers.push({ id: identity.peerId, store, sync: service });
  }
  return {
    peers,
    connect: async (a, b) => network.connect(peers[a].id, peers[b].id),
    disconnect: async (a, b) => network.disconnect(peers[a].id, peers[b].id),
    rawStream: (from, to) => network.rawStream(peers[from].id, peers[to].id, SYNC_PROTOCOL),
    close: async () => {
      for (const s of services) await s.stop();
    },
  };
}

export async function tcpSetup(options: SuiteOptions): Promise<SuiteNetwork> {
  const started: Libp2pSuitePeer[] = [];
  for (let i = 0; i < options.peers; i++)
    started.push(await startLibp2pPeer(options, { listen: ['/ip4/127.0.0.1/tcp/0'], relay: 'off' }));
  const nodes = started.map((s) => s.node);
  return {
    peers: started.map((s) => s.peer),
    connect: (a, b) => connectPeers(started, a, b, nodes[b].getMultiaddrs()),
    disconnect: (a, b) => disconnectPeers(started, a, b),
    rawStream: (from, to) =>
      nodes[from].dialProtocol(nodes[to].getMultiaddrs(), SYNC_PROTOCOL, {
        signal: AbortSignal.timeout(5000),
      }),
    close: async () => {
      await Promise.all(nodes.map((n) => n.stop()));
    },
  };
}

/**
 * Every gateway is "behind NAT": it listens on no address of its own, only on
 * `/p2p-circuit`, and dials one relay server (a libp2p node on loopback TCP
 * with no sync service), where it reserves a slot. Gateways reach each other
 * only through their relayed addresses, so every sync stream crosses the relay.
 */
export async function relayedSetup(options: SuiteOptions): Promise<SuiteNetwork> {
  const relay = await createGatewayNode({
    privateKey: (await generateIdentity()).privateKey,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    mdns: false,
    dht: false,
    relay: 'server',
  });
  const started: Libp2pSuitePeer[] = [];
  try {
    for (let i = 0; i < options.peers; i++) {
      const peer = await startLibp2pPeer(options, { listen: [], relay: 'client' });
      started.push(peer);
      await peer.node.dial(relay.getMultiaddrs(), { signal: AbortSignal.timeout(5000) });
    }
    await eventually(
      () => started.every((s) => circuitAddresses(s.node).length > 0),
      10_000,
      'relay reservations',
    );
  } catch (err) {
    await Promise.all([...started.map((s) => s.node), relay].map((n) => n.stop()));
    throw err;
  }
  const nodes = started.map((s) => s.node);
  const relayed = (a: number, b: number) =>
    nodes[a].getConnections(nodes[b].peerId).every((c) => isRelayedAddress(c.remoteAddr));
  return {
    peers: started.map((s) => s.peer),
    connect: async (a, b) => {
      await connectPeers(started, a, b, circuitAddresses(nodes[b]));
      if (!relayed(a, b) || !relayed(b, a))
        throw new Error('the gateways found a path that avoids the relay');
    },
    disconnect: (a, b) => disconnectPeers(started, a, b),
    rawStream: (from, to) =>
      nodes[from].dialProtocol(circuitAddresses(nodes[to]), SYNC_PROTOCOL, {
        signal: AbortSignal.timeout(5000),
      }),
    close: async () => {
      await Promise.all(nodes.map((n) => n.stop()));
      await relay.stop();
    },
  };
}
