/**
 * Limits that keep a small box (one or two cores, little RAM) responsive when
 * many peers turn up at once. A peer can hold at most a few streams of each
 * protocol; the whole node holds a bounded number of connections.
 */
export interface ConnectionPolicy {
  /** Connections held at once; the connection manager prunes beyond this. */
  readonly maxConnections: number;
  /**
   * Inbound connections still in their handshake at once, node-wide: a host
   * holding them all with silent sockets locks every other gateway out, so
   * there are many, and each gets little time (inboundUpgradeTimeoutMs).
   */
  readonly maxIncomingPendingConnections: number;
  /** How long an inbound connection may take to finish its Noise and Yamux handshake. */
  readonly inboundUpgradeTimeoutMs: number;
  /** Inbound connection attempts per second from one host. */
  readonly inboundConnectionThreshold: number;
  readonly maxParallelDials: number;
  readonly dialTimeoutMs: number;
  /** Yamux streams one connection may open towards us, all protocols together. */
  readonly maxStreamsPerConnection: number;
  /**
   * Inbound connections one peer, and one host (IPv4 address or IPv6 /64;
   * loopback aside), may hold at once: otherwise one peer dialling again and
   * again holds every slot, and the node takes no other inbound connection.
   */
  readonly maxConnectionsPerPeer: number;
  readonly maxConnectionsPerHost: number;
}

export const SMALL_BOX_POLICY: ConnectionPolicy = {
  maxConnections: 64,
  maxIncomingPendingConnections: 64,
  inboundUpgradeTimeoutMs: 5_000,
  inboundConnectionThreshold: 5,
  maxParallelDials: 8,
  dialTimeoutMs: 10_000,
  maxStreamsPerConnection: 64,
  maxConnectionsPerPeer: 4,
  maxConnectionsPerHost: 16,
};
