/**
 * @packageDocumentation
 *
 * The Gatehouse sync protocol (`/gatehouse/sync/1.1.0`) as a libp2p service.
 * Per organisation, peers exchange version vectors (author -> highest seq) and
 * the server streams the ops the client lacks, in log order, in bounded
 * batches the client acknowledges after applying each one in a transaction.
 * "Nothing to do" is one round trip. Every message is length-prefixed,
 * size-bounded CBOR, validated field by field; bad input gets an error reply
 * and costs the peer score, and repeat offenders are banned for a while.
 *
 * @example
 * ```ts
 * import { createGatewayNode, sync, MemoryOpStore, PeerScores } from '@gatehouse/mesh'
 * const scores = new PeerScores()
 * const node = await createGatewayNode({
 *   privateKey: identity.privateKey,
 *   listen: ['/ip4/127.0.0.1/tcp/0'],
 *   gate: scores,
 *   services: { sync: sync({ store: new MemoryOpStore(identity), scores }) },
 * })
 * await node.dial(otherGatewayAddress)   // pulls start when the peer connects
 * ```
 */
import { GatehouseSync } from './sync-service.js';
import type { SyncComponents, SyncInit, SyncService } from './types.js';

export { type BatchLimits, verifiedBatches } from './batches.js';
export { SYNC_LIMITS, SYNC_PROTOCOL, SYNC_TIMEOUTS } from './constants.js';
export * from './messages.js';
export * from './op-store.js';
export { missingOpsInOrder, OrderedOps } from './ordered-ops.js';
export * from './peer-scores.js';
export type { PullResult } from './pull.js';
export * from './sync-state.js';
export type * from './types.js';

export function sync(init: SyncInit): (components: SyncComponents) => SyncService {
  return (components) => new GatehouseSync(components, init);
}
