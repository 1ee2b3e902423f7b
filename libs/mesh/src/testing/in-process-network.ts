/**
 * An in-process "network" for sync services: fake registrar and connection
 * manager components whose streams are @libp2p/utils stream pairs. It runs
 * the real sync service code with no sockets, and lets tests cut links at
 * any moment.
 */
import type { Connection, PeerId, Stream, StreamHandler, Topology } from '@libp2p/interface';
import type { ConnectionManager, Registrar } from '@libp2p/interface-internal';
import { defaultLogger } from '@libp2p/logger';
import { streamPair } from '@libp2p/utils';
import type { SyncComponents } from '../sync/types.js';

interface Endpoint {
  readonly peerId: PeerId;
  readonly handlers: Map<string, StreamHandler>;
  readonly topologies: Map<string, { protocol: string; topology: Topology }>;
}

export class InProcessNetwork {
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly links = new Map<string, Set<Stream>>();
  private nextTopology = 0;
  /** Delay per message in ms (stream pairs deliver asynchronously). */
  constructor(private readonly delayMs = 0) {}

  private linkKey(a: string, b: string): string {
    return a < b ? `${a}|${b}` : `${b}|${a}`;
  }

  /** Components for a sync service of the gateway `peerId`. */
  components(peerId: PeerId): SyncComponents {
    const self = peerId.toString();
    const endpoint: Endpoint = { peerId, handlers: new Map(), topologies: new Map() };
    this.endpoints.set(self, endpoint);
    const registrar: Partial<Registrar> = {
      handle: async (protocol, handler) => {
        endpoint.handlers.set(protocol, handler);
      },
      unhandle: async (protocol) => {
        endpoint.handlers.delete(protocol);
      },
      register: async (protocol, topology) => {
        const id = `t${this.nextTopology++}`;
        endpoint.topologies.set(id, { protocol, topology });
        return id;
      },
      unregister: (id) => {
        endpoint.topologies.delete(id);
      },
      getProtocols: () => [...endpoint.handlers.keys()],
    };
    const openStream = (target: PeerId, protocol: string) => this.open(self, target.toString(), protocol);
    const connectionManager: Partial<ConnectionManager> = {
      openStream: (async (target: PeerId, protocol: string | string[]) =>
        openStream(
          target,
          Array.isArray(protocol) ? protocol[0] : protocol,
        )) as ConnectionManager['openStream'],
      openConnection: (async (target: PeerId) => {
        if (!this.links.has(this.linkKey(self, target.toString())))
          throw new Error(`no connection to ${target}`);
        return {
          remotePeer: target,
          newStream: (protocol: string | string[]) =>
            openStream(target, Array.isArray(protocol) ? protocol[0] : protocol),
        } as unknown as Connection;
      }) as ConnectionManager['openConnection'],
      closeConnections: async (target: PeerId) => this.disconnect(self, target.toString()),
      getConnections: () => [],
    };
    return {
      registrar: registrar as Registrar,
      connectionManager: connectionManager as ConnectionManager,
      logger: defaultLogger(),
    };
  }

  /** Links two gateways and tells both sync services the other connected. */
  connect(a: string, b: string): void {
    const key = this.linkKey(a, b);
    if (this.links.has(key)) return;
    this.links.set(key, new Set());
    const ea = this.endpoints.get(a)!;
    const eb = this.endpoints.get(b)!;
    for (const { topology } of ea.topologies.values()) void topology.onConnect?.(eb.peerId, {} as Connection);
    for (const { topology } of eb.topologies.values()) void topology.onConnect?.(ea.peerId, {} as Connection);
  }

  /** Cuts a link: every stream on it is reset mid-flight. */
  disconnect(a: string, b: string): void {
    const key = this.linkKey(a, b);
    const streams = this.links.get(key);
    if (!streams) return;
    this.links.delete(key);
    for (const s of streams) s.abort(new Error('link cut'));
    const ea = this.endpoints.get(a);
    const eb = this.endpoints.get(b);
    if (ea && eb) {
      for (const { topology } of ea.topologies.values()) void topology.onDisconnect?.(eb.peerId);
      for (const { topology } of eb.topologies.values()) void topology.onDisconnect?.(ea.peerId);
    }
  }

  /** A raw stream from `from` to `to` on `protocol`, for feeding a handler arbitrary bytes. */
  rawStream(from: string, to: string, protocol: string): Promise<Stream> {
    return this.open(from, to, protocol);
  }

  private async open(from: string, to: string, protocol: string): Promise<Stream> {
    const local = this.endpoints.get(from);
    const remote = this.endpoints.get(to);
    const streams = this.links.get(this.linkKey(from, to));
    if (!local || !remote || !streams) throw new Error(`no connection to ${to}`);
    const handler = remote.handlers.get(protocol);
    if (!handler) throw new Error(`protocol ${protocol} not supported by ${to}`);
    const [outbound, inbound] = await streamPair({ delay: this.delayMs, protocol });
    for (const s of [outbound, inbound]) {
      streams.add(s);
      s.addEventListener('close', () => streams.delete(s), { once: true });
    }
    const connection = { remotePeer: local.peerId, direction: 'inbound' } as unknown as Connection;
    queueMicrotask(() => void handler(inbound, connection));
    return outbound;
  }
}
