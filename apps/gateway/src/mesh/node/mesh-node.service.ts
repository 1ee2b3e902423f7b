import {
  circuitAddresses,
  createGatewayNode,
  type GatewayIdentity,
  type GatewayNode,
  keepPeersConnected,
  ownAddresses,
  PeerScores,
  parseAddresses,
  rememberPeer,
  SYNC_PROTOCOL,
  type SyncService,
  stickyListenAddresses,
  sync,
  type WantedPeers,
  withPeerId,
} from '@gatehouse/mesh';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { SerialQueue } from '../../common/serial-queue.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../../config/gateway-config.js';
import { GATEWAY_IDENTITY, LOGGER } from '../../oplog/tokens.js';
import { GatewayOpStore } from '../store/gateway-op-store.js';
import { MeshDirectory } from '../store/mesh-directory.js';
import { MeshMetrics } from './mesh-metrics.js';

/** A full pull from every peer this often, in case an announcement was lost. */
const RESYNC_INTERVAL_MS = 30_000;

/** Peers besides co-hosts dialled at start, the most recently seen first. */
export const OTHER_PEERS_REDIALLED = 8;

/** An organisation's last successful sync is written down at most this often. */
const SYNCED_NOTE_INTERVAL_MS = 10_000;

/**
 * The gateway's libp2p node, started with the gateway (after HTTP is up) and
 * stopped with it. Peers we learn about are kept in the database, so a
 * restarted gateway finds them again without discovery.
 */
@Injectable()
export class MeshNodeService implements OnModuleDestroy {
  private node: GatewayNode<{ sync: SyncService }> | null = null;
  private detach: (() => void)[] = [];
  /** Starts and stops, one at a time in the order asked: a stop never misses a node being made. */
  private readonly turns = new SerialQueue();
  /** When each organisation's last sync was last written down. */
  private readonly syncedNoted = new Map<string, number>();
  /** Shared by the sync service (penalties) and the connection gater (bans). */
  readonly scores = new PeerScores();

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(GATEWAY_IDENTITY) private readonly identity: GatewayIdentity,
    @Inject(LOGGER) private readonly log: Logger,
    private readonly store: GatewayOpStore,
    private readonly directory: MeshDirectory,
    private readonly metrics: MeshMetrics,
  ) {}

  get running(): boolean {
    return this.node !== null;
  }

  /** The sync service; throws when the node is not running (e.g. in one-shot CLI commands). */
  get sync(): SyncService {
    if (!this.node) throw new Error('the mesh is not running on this gateway');
    return this.node.services.sync;
  }

  get libp2p(): GatewayNode<{ sync: SyncService }> | null {
    return this.node;
  }

  addresses(): string[] {
    return this.node ? ownAddresses(this.node) : [];
  }

  /** Starts the node unless it runs; after a stop() still under way. */
  start(): Promise<void> {
    return this.turns.run(() => this.startNode());
  }

  /** Stops the node; one start() still under way is let finish first, then stopped. */
  stop(): Promise<void> {
    return this.turns.run(() => this.stopNode());
  }

  private async startNode(): Promise<void> {
    if (this.node) return;
    const started = performance.now();
    const create = (listen: readonly string[]) =>
      createGatewayNode({
        privateKey: this.identity.privateKey,
        listen,
        announce: this.config.p2pAnnounce,
        bootstrap: this.config.bootstrap,
        mdns: this.config.mdns,
        region: this.config.region,
        relay: this.config.relay,
        // A relay server keeps slots for co-hosts however many strangers ask.
        relayServer: { wanted: (peer) => this.directory.isCoHost(peer) },
        gate: this.scores,
        services: {
          sync: sync({ store: this.store, scores: this.scores, resyncIntervalMs: RESYNC_INTERVAL_MS }),
        },
      });
    const sticky = stickyListenAddresses(this.config.p2pListen, await this.directory.lastListen());
    let node: GatewayNode<{ sync: SyncService }>;
    try {
      node = await create(sticky);
    } catch (err) {
      // Last time's port is taken: take a new one, peers learn it when we dial them.
      if (sticky.join() === this.config.p2pListen.join()) throw err;
      this.log.warn({ err, sticky }, 'could not listen on the previous addresses; using the configured ones');
      node = await create(this.config.p2pListen);
    }
    this.node = node;
    await this.directory.saveListen(this.addresses());
    this.detach = [
      this.metrics.attach(node.services.sync),
      this.noteSyncs(node.services.sync),
      keepPeersConnected(node, () => this.coHosts(), { dialTimeoutMs: 10_000 }),
    ];
    node.addEventListener('peer:identify', (evt) => {
      const { peerId, listenAddrs, protocols } = evt.detail;
      if (!protocols.includes(SYNC_PROTOCOL)) return;
      void this.directory
        .rememberPeer(
          peerId.toString(),
          listenAddrs.map((a) => a.toString()),
        )
        .catch((err) => this.log.warn({ err }, 'could not remember a peer'));
    });
    // In client mode the node reserves slots on relay servers it meets (bootstrap peers, LAN
    // neighbours): say when that changes how others can reach us.
    let relayed = '';
    node.addEventListener('self:peer:update', () => {
      const now = circuitAddresses(node).map(String).sort();
      if (now.join(' ') === relayed) return;
      const had = relayed !== '';
      relayed = now.join(' ');
      if (now.length) this.log.info({ addrs: now }, 'reachable through relays');
      else if (had)
        this.log.warn('no relay reservation left: only gateways that can dial this one directly reach it');
    });
    this.log.info(
      {
        peerId: this.identity.peerId,
        addrs: this.addresses(),
        startMs: Math.round(performance.now() - started),
      },
      'mesh started',
    );
    // The database may close under it (a stop right after start): nothing to redial then.
    this.reconnect().catch((err) => this.log.debug({ err }, 'could not redial known peers'));
  }

  /** Writes down each organisation's last successful pull, so the status bar still knows it after a restart. */
  private noteSyncs(sync: SyncService): () => void {
    return sync.observe((event) => {
      if (event.type !== 'pulled' || event.result.refusedWith) return;
      const now = Date.now();
      if (now - (this.syncedNoted.get(event.org) ?? 0) < SYNCED_NOTE_INTERVAL_MS) return;
      this.syncedNoted.set(event.org, now);
      this.directory
        .noteSynced(event.org, now)
        .catch((err) => this.log.warn({ err }, 'could not note a sync'));
    });
  }

  /**
   * Hands the peers we knew before a restart to the node and dials the co-hosts, which libp2p
   * keeps redialling when links drop, and a few other peers seen last: a way back into the
   * region when no bootstrap peer or LAN neighbour answers.
   */
  private async reconnect(): Promise<void> {
    const node = this.node;
    if (!node) return;
    const { coHosts, others } = await this.directory.knownPeersByKind();
    const peers = [
      ...coHosts.map((peer) => ({ peer, keepAlive: true, dial: true })),
      ...others.map((peer, i) => ({ peer, keepAlive: false, dial: i < OTHER_PEERS_REDIALLED })),
    ];
    for (const { peer, keepAlive, dial } of peers) {
      if (peer.peerId === this.identity.peerId) continue;
      try {
        const id = await rememberPeer(node, peer.peerId, peer.addrs, { keepAlive });
        if (dial) node.dial(id, { signal: AbortSignal.timeout(10_000) }).catch(() => {});
      } catch (err) {
        this.log.debug({ err, peer: peer.peerId }, 'could not redial a known peer');
      }
    }
  }

  /**
   * Known peers that may exchange one of our organisations with us, with their last addresses:
   * the ones to stay connected to, however long a link is down.
   */
  private async coHosts(): Promise<WantedPeers> {
    const out = new Map<string, ReturnType<typeof withPeerId>[]>();
    for (const peer of await this.directory.knownCoHosts()) {
      out.set(
        peer.peerId,
        parseAddresses(peer.addrs).map((a) => withPeerId(a.toString(), peer.peerId)),
      );
    }
    return out;
  }

  /** Keeps `peer` connected from now on (and across restarts). */
  async keep(peer: string, addrs: readonly string[]): Promise<void> {
    await this.directory.rememberPeer(peer, addrs);
    if (this.node) await rememberPeer(this.node, peer, addrs, { keepAlive: true });
  }

  private async stopNode(): Promise<void> {
    const node = this.node;
    if (!node) return;
    this.node = null;
    for (const detach of this.detach.splice(0)) detach();
    this.syncedNoted.clear();
    await node.stop();
    this.log.info('mesh stopped');
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }
}
