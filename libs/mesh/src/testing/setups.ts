/**
 * Setups for the replication suite: the same gateways (MemoryOpStore + sync
 * service) over in-process streams, over real libp2p on loopback TCP, or over
 * libp2p through a circuit relay (gateways behind NAT, reachable only by
 * their `/p2p-circuit` addresses).
 */

import { peerIdFromString } from '@libp2p/peer-id';
import { generateIdentity } from '../identity/gateway-identity.js';
import { createGatewayNode, type GatewayNode } from '../node/gateway-node.js';
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
  const nodes: GatewayNode<{ sync: SyncService }>[] = [];
  const peers: SuitePeer[] = [];
  // Peers a node must not reach while the test holds their link down: libp2p would
  // otherwise redial kept-alive peers at once, and a "dropped" link would heal by itself.
  const cut: Set<string>[] = [];
  for (let i = 0; i < options.peers; i++) {
    const identity = await generateIdentity();
    const store = new MemoryOpStore(identity);
    const scores = new PeerScores();
    cut.push(new Set());
    const node = await createGatewayNode({
      privateKey: identity.privateKey,
      listen: ['/ip4/127.0.0.1/tcp/0'],
      mdns: false,
      dht: false,
      relay: 'off',
      gate: { isBanned: (peer: string) => scores.isBanned(peer) || cut[i].has(peer) },
      services: { sync: sync({ store, scores, batchOps: options.batchOps, ...SERVICE_DEFAULTS }) },
    });
    nodes.push(node);
    peers.push({ id: identity.peerId, store, sync: node.services.sync });
  }
  return {
    peers,
    connect: async (a, b) => {
      cut[a].delete(peers[b].id);
      cut[b].delete(peers[a].id);
      await nodes[a].dial(nodes[b].getMultiaddrs(), { signal: AbortSignal.timeout(5000) });
      // dial() resolves on the dialling side first; wait until both sync services see the peer.
      await eventually(
        () =>
          peers[a].sync.connectedPeers().includes(peers[b].id) &&
          peers[b].sync.connectedPeers().includes(peers[a].id),
        5000,
        'both ends of the connection',
      );
    },
    disconnect: async (a, b) => {
      cut[a].add(peers[b].id);
      cut[b].add(peers[a].id);
      await nodes[a].hangUp(nodes[b].peerId);
    },
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
  const nodes: GatewayNode<{ sync: SyncService }>[] = [];
  const peers: SuitePeer[] = [];
  const cut: Set<string>[] = []; // as in tcpSetup
  try {
    for (let i = 0; i < options.peers; i++) {
      const identity = await generateIdentity();
      const store = new MemoryOpStore(identity);
      const scores = new PeerScores();
      cut.push(new Set());
      const node = await createGatewayNode({
        privateKey: identity.privateKey,
        listen: [],
        mdns: false,
        dht: false,
        relay: 'client',
        gate: { isBanned: (peer: string) => scores.isBanned(peer) || cut[i].has(peer) },
        services: { sync: sync({ store, scores, batchOps: options.batchOps, ...SERVICE_DEFAULTS }) },
      });
      nodes.push(node);
      peers.push({ id: identity.peerId, store, sync: node.services.sync });
      await node.dial(relay.getMultiaddrs(), { signal: AbortSignal.timeout(5000) });
    }
    await eventually(() => nodes.every((n) => circuitAddresses(n).length > 0), 10_000, 'relay reservations');
  } catch (err) {
    await Promise.all([...nodes, relay].map((n) => n.stop()));
    throw err;
  }
  const relayed = (a: number, b: number) =>
    nodes[a].getConnections(nodes[b].peerId).every((c) => isRelayedAddress(c.remoteAddr));
  return {
    peers,
    connect: async (a, b) => {
      cut[a].delete(peers[b].id);
      cut[b].delete(peers[a].id);
      await nodes[a].dial(circuitAddresses(nodes[b]), { signal: AbortSignal.timeout(5000) });
      await eventually(
        () =>
          peers[a].sync.connectedPeers().includes(peers[b].id) &&
          peers[b].sync.connectedPeers().includes(peers[a].id),
        5000,
        'both ends of the relayed connection',
      );
      if (!relayed(a, b) || !relayed(b, a))
        throw new Error('the gateways found a path that avoids the relay');
    },
    disconnect: async (a, b) => {
      cut[a].add(peers[b].id);
      cut[b].add(peers[a].id);
      await nodes[a].hangUp(nodes[b].peerId);
    },
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
