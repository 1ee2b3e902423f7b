/**
 * The region DHT's settings: a Kademlia DHT per region, for finding peers in
 * it and nothing else (replication never depends on it), so it holds nothing
 * for anyone and passes on no address that leads into a box.
 */
import type { PeerInfo } from '@libp2p/interface';
import type { KadDHTInit } from '@libp2p/kad-dht';
import { reachesThisBox } from './local-addresses.js';

export function dhtProtocol(region: string): string {
  return `/gatehouse/${region}/kad/1.0.0`;
}

/**
 * How often the region DHT drops the provider records other peers stored on
 * this node. Gatehouse uses none yet, but kad-dht stores every ADD_PROVIDER it
 * is sent and has no option to refuse them (its `providers` options are not
 * read): its periodic sweep, with a validity of zero, is the only bound. So a
 * gateway must not `provide` anything itself while this holds: each sweep
 * would provide its records again, a full DHT query every 2 s.
 */
export const PROVIDER_SWEEP_MS = 2_000;

/**
 * kad-dht refuses a record whose key type has no validator, and `/pk/` keys
 * are the only type it validates by default: this one refuses every PUT_VALUE.
 */
const refuseRecord = () => {
  throw new Error('gateways store no DHT records');
};

/**
 * The region DHT's `peerInfoMapper`: it drops the addresses that lead into a
 * box (`reachesThisBox`) unless this node is on its box only (`localOnly`).
 * kad-dht applies it to a peer before adding it to the routing table and to
 * the peers named in our answers, not to those named in answers we receive:
 * the connection gater refuses to dial those (`BoxDialGuard`).
 */
export function regionPeerInfoMapper(localOnly: () => boolean): (peer: PeerInfo) => PeerInfo {
  return (peer) =>
    localOnly() ? peer : { ...peer, multiaddrs: peer.multiaddrs.filter((a) => !reachesThisBox(a)) };
}

/** The region DHT's settings; `localOnly` says whether this node is reached from its own box only. */
export function regionDhtInit(region: string, localOnly: () => boolean): KadDHTInit {
  return {
    protocol: dhtProtocol(region),
    peerInfoMapper: regionPeerInfoMapper(localOnly),
    // A region's gateways share a LAN and must answer each other's queries,
    // though none may have the public address that would make kad-dht a server.
    clientMode: false,
    validators: { pk: refuseRecord },
    reprovide: { validity: 0, interval: PROVIDER_SWEEP_MS },
  };
}
