/**
 * @gatehouse/mesh: the replication substrate.
 *
 * - `oplog/`: the op format (canonical CBOR, content ids, signatures), hybrid
 *   logical clocks, hash-chain verification and version vectors.
 * - `identity/`: the gateway's Ed25519 identity in libp2p's key format.
 * - `node/`: the gateway's libp2p node (transports, discovery, DHT, relay, limits).
 * - `sync/`: the sync protocol as a libp2p service, over an `OpStore`.
 *
 * @example
 * ```ts
 * import { generateIdentity, HybridLogicalClock, encodeHlc, signOp } from '@gatehouse/mesh'
 * const me = await generateIdentity()
 * const clock = new HybridLogicalClock()
 * const op = signOp(me, { v: 1, org: 'o1', author: me.peerId, seq: 1, prev: null,
 *   hlc: encodeHlc(clock.tick()), actor: 'u1', kind: 'wiki.revision', entity: 'home', payload: { text: 'hi' } })
 * ```
 */
export * from './identity/gateway-identity.js';
export * from './identity/signing.js';
export * from './node/connection-policy.js';
export * from './node/gateway-node.js';
export * from './node/local-addresses.js';
export * from './node/peer-addresses.js';
export * from './node/peer-gate.js';
export * from './node/peer-keeper.js';
export { dhtProtocol } from './node/region-dht.js';
export { RELAY_SERVER_DEFAULTS, type RelayServerInit, relayServer } from './node/relay-server.js';
export * from './node/sticky-listen.js';
export * from './oplog/canonical.js';
export * from './oplog/chain.js';
export * from './oplog/hlc.js';
export * from './oplog/op.js';
export * from './oplog/order.js';
export * from './oplog/version-vector.js';
export * from './sync/index.js';
export { MemoryOpStore } from './sync/memory-op-store.js';
