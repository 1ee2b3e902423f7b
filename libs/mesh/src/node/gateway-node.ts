/**
 * The gateway's libp2p node: TCP and WebSockets, Noise, Yamux, identify,
 * ping, mDNS on the LAN, configured bootstrap peers, a Kademlia DHT per
 * region, circuit relay, and the gateway's own Ed25519 key as its peer id.
 * Gatehouse's own protocols (sync, ...) come in as `services`.
 */
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { bootstrap } from '@libp2p/bootstrap';
import type { CircuitRelayService } from '@libp2p/circuit-relay-v2';
import { type Identify, type IdentifyPush, identify, identifyPush } from '@libp2p/identify';
import type { Libp2p, PeerDiscovery, PrivateKey, ServiceMap } from '@libp2p/interface';
import { type KadDHT, kadDHT } from '@libp2p/kad-dht';
import { mdns } from '@libp2p/mdns';
import { type Ping, ping } from '@libp2p/ping';
import { tcp } from '@libp2p/tcp';
import { webSockets } from '@libp2p/websockets';
import { createLibp2p, type ServiceFactoryMap } from 'libp2p';
import { BoxDialGuard } from './box-dial-guard.js';
import { type ConnectionPolicy, SMALL_BOX_POLICY } from './connection-policy.js';
import { gaterFor, type PeerGate } from './peer-gate.js';
import { keepBootstrapPeers } from './peer-keeper.js';
import { regionDhtInit } from './region-dht.js';
import { relayClientTransport } from './relay-client.js';
import { type RelayServerInit, relayServer } from './relay-server.js';

export type RelayMode = 'off' | 'client' | 'server';

/**
 * Relay servers a client reserves a slot on at once. Two: one relay going
 * away leaves the gateway reachable through the other while a replacement is
 * found; more would only hold slots (and keep-alive connections) on relays
 * other gateways behind NAT need.
 */
export const RELAY_RESERVATIONS = 2;

export interface GatewayNodeInit<S extends ServiceMap = ServiceMap> {
  /** The gateway's identity key: its peer id and op-signing key are one. */
  readonly privateKey: PrivateKey;
  /** Multiaddrs to listen on; `/ws` addresses get the WebSockets transport. */
  readonly listen?: readonly string[];
  /** Addresses to announce instead of the listen addresses (NAT, port forwards). */
  readonly announce?: readonly string[];
  /** Peers dialled at start, and redialled while they are not connected. */
  readonly bootstrap?: readonly string[];
  /** How often unconnected bootstrap peers are dialled again (default 15 s). */
  readonly bootstrapRedialMs?: number;
  /** LAN discovery by multicast DNS. */
  readonly mdns?: boolean;
  /** Region name: the DHT protocol is `/gatehouse/<region>/kad/1.0.0`. */
  readonly region?: string;
  /**
   * `server`: run a circuit-relay-v2 server (no data or time limit on relayed
   * connections; slots as `relayServer` says). `client` (default): dial
   * through relays, and reserve a slot on up to `relayReservations` connected
   * relay servers, which gives this node `/p2p-circuit` addresses. `off`:
   * neither.
   */
  readonly relay?: RelayMode;
  /**
   * Client mode: relay servers to reserve a slot on (default `RELAY_RESERVATIONS`,
   * or 0 when `announce` is set; 0 reserves none).
   */
  readonly relayReservations?: number;
  /**
   * Server mode: slots, their lifetime, and the peers to relay for first
   * (`wanted`, e.g. co-hosts); see `RELAY_SERVER_DEFAULTS`.
   */
  readonly relayServer?: RelayServerInit;
  /** Run the region DHT (default on). Replication never depends on it. */
  readonly dht?: boolean;
  readonly policy?: Partial<ConnectionPolicy>;
  /**
   * Peers may be on this very box: dial their addresses into it whatever this
   * node's own addresses are (tests that run every node on one machine, some
   * with no listen address). Default: only while every address this node has
   * is on its box, and to the bootstrap peers (see `BoxDialGuard`).
   */
  readonly peersOnThisBox?: boolean;
  /** Consulted before every connection: banned peers are refused. */
  readonly gate?: PeerGate;
  /** Gatehouse services, e.g. `{ sync: sync({ store }) }`. */
  readonly services?: ServiceFactoryMap<S>;
  /** Start listening right away (default true). */
  readonly start?: boolean;
}

export interface GatewayServices {
  identify: Identify;
  identifyPush: IdentifyPush;
  ping: Ping;
  dht?: KadDHT;
  relay?: CircuitRelayService;
}

export type GatewayNode<S extends ServiceMap = ServiceMap> = Libp2p<GatewayServices & S>;

export async function createGatewayNode<S extends ServiceMap = ServiceMap>(
  init: GatewayNodeInit<S>,
): Promise<GatewayNode<S>> {
  const policy = { ...SMALL_BOX_POLICY, ...init.policy };
  const relay = init.relay ?? 'client';
  const region = init.region ?? 'default';
  // Each bare '/p2p-circuit' listen address asks the relay transport for one
  // reservation on a relay server it finds among connected peers. A node that
  // announces its own addresses is reachable by them (and libp2p would
  // announce only those, never the relayed ones): it takes no relay slot.
  const reservations =
    relay === 'client'
      ? Math.max(0, init.relayReservations ?? (init.announce?.length ? 0 : RELAY_RESERVATIONS))
      : 0;
  const listen = [
    ...(init.listen ?? ['/ip4/0.0.0.0/tcp/0']).filter((a) => a !== '/p2p-circuit'),
    ...Array.from({ length: reservations }, () => '/p2p-circuit'),
  ];

  const peerDiscovery: ((components: never) => PeerDiscovery)[] = [];
  if (init.mdns) peerDiscovery.push(mdns({ serviceTag: `gatehouse-${region}.local` }) as never);
  if (init.bootstrap?.length)
    peerDiscovery.push(bootstrap({ list: [...init.bootstrap], timeout: 1000 }) as never);

  // biome-ignore lint/suspicious/noExplicitAny: the service map is assembled from optional parts
  const services: Record<string, any> = {
    identify: identify(),
    // Tells connected peers when our addresses change, e.g. when a relay
    // reservation gives us /p2p-circuit addresses after we connected to them.
    identifyPush: identifyPush(),
    ping: ping(),
    ...init.services,
  };
  /** The node, for the gater's connection caps once it exists. */
  let started: Pick<Libp2p, 'getConnections'> | null = null;
  const guard = new BoxDialGuard(init.bootstrap ?? [], { peersOnThisBox: init.peersOnThisBox });
  // One DHT per region, for finding peers in it: replication never depends on it.
  if (init.dht !== false) services.dht = kadDHT(regionDhtInit(region, () => guard.onThisBoxOnly));
  if (relay === 'server') services.relay = relayServer(init.relayServer);

  const node = await createLibp2p({
    privateKey: init.privateKey,
    start: init.start ?? true,
    addresses: { listen, announce: [...(init.announce ?? [])] },
    transports: [
      tcp({ dialOpts: { noDelay: true }, listenOpts: { noDelay: true } }),
      webSockets(),
      ...(relay === 'off' ? [] : [relayClientTransport()]),
    ],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux({ maxInboundStreams: policy.maxStreamsPerConnection })],
    peerDiscovery: peerDiscovery as never,
    connectionGater: gaterFor(
      init.gate ?? { isBanned: () => false },
      {
        connections: () => (started ? started.getConnections() : []),
        perPeer: policy.maxConnectionsPerPeer,
        perHost: policy.maxConnectionsPerHost,
      },
      (addr) => guard.refuses(addr),
    ),
    connectionManager: {
      maxConnections: policy.maxConnections,
      maxIncomingPendingConnections: policy.maxIncomingPendingConnections,
      inboundUpgradeTimeout: policy.inboundUpgradeTimeoutMs,
      inboundConnectionThreshold: policy.inboundConnectionThreshold,
      maxParallelDials: policy.maxParallelDials,
      dialTimeout: policy.dialTimeoutMs,
    },
    services: services as ServiceFactoryMap<GatewayServices & S>,
  });

  started = node;
  guard.ownAddressesAre(node.getMultiaddrs());
  node.addEventListener('self:peer:update', () => guard.ownAddressesAre(node.getMultiaddrs()));
  if (init.bootstrap?.length) {
    keepBootstrapPeers(node, init.bootstrap, {
      intervalMs: init.bootstrapRedialMs,
      dialTimeoutMs: policy.dialTimeoutMs,
    });
  }
  if (init.mdns) {
    // Discovery only fills the peer store; dial LAN peers while there is room.
    node.addEventListener('peer:discovery', (evt) => {
      if (node.getConnections().length >= policy.maxConnections / 2) return;
      node.dial(evt.detail.id, { signal: AbortSignal.timeout(policy.dialTimeoutMs) }).catch(() => {});
    });
  }
  return node as GatewayNode<S>;
}
