import type { Connection, ConnectionGater, PeerId } from '@libp2p/interface';
import type { Multiaddr } from '@multiformats/multiaddr';
import { reachesThisBox } from './local-addresses.js';
import { hostOf, isRelayedAddress } from './peer-addresses.js';

/** Answers whether a peer is currently banned (see sync/peer-scores.ts). */
export interface PeerGate {
  isBanned(peerId: string): boolean;
  /** Addresses this node must not dial (default: none; a test that forces a path through a network uses it). */
  refusesAddress?(multiaddr: string): boolean;
}

/** How many inbound connections one peer and one host may hold (see ConnectionPolicy). */
export interface ConnectionCaps {
  /** The node's open connections (read when asked: the gater exists before the node). */
  connections(): readonly Pick<Connection, 'remotePeer' | 'remoteAddr' | 'direction'>[];
  readonly perPeer: number;
  readonly perHost: number;
}

/**
 * A libp2p connection gater that refuses banned peers, inbound and outbound,
 * directly and through a relay: a banned peer gets no slot on our relay, our
 * relay carries no connection from or to it, and we accept no relayed
 * connection from it. With `caps`, it also refuses an inbound connection past
 * the peer's or its host's share (relayed connections count for the peer
 * only: they all come from the relay's host). It also refuses to dial what
 * `refusesDial` refuses (`BoxDialGuard`: addresses into the node's own box).
 */
export function gaterFor(
  gate: PeerGate,
  caps?: ConnectionCaps,
  refusesDial: (addr: Multiaddr) => boolean | Promise<boolean> = () => false,
): ConnectionGater {
  const denied = (peer: PeerId) => gate.isBanned(peer.toString());
  const inbound = () => caps?.connections().filter((c) => c.direction === 'inbound') ?? [];
  const hostFull = (addr: Multiaddr) => {
    const host = hostOf(addr);
    if (!caps || !host || isRelayedAddress(addr) || reachesThisBox(addr)) return false;
    return (
      inbound().filter((c) => !isRelayedAddress(c.remoteAddr) && hostOf(c.remoteAddr) === host).length >=
      caps.perHost
    );
  };
  const peerFull = (peer: PeerId) =>
    !!caps && inbound().filter((c) => c.remotePeer.equals(peer)).length >= caps.perPeer;
  return {
    denyDialPeer: denied,
    denyInboundConnection: (maConn) => hostFull(maConn.remoteAddr),
    denyInboundEncryptedConnection: (peer) => denied(peer) || peerFull(peer),
    denyOutboundEncryptedConnection: denied,
    denyInboundRelayReservation: denied,
    denyOutboundRelayedConnection: (source, destination) => denied(source) || denied(destination),
    denyInboundRelayedConnection: (_relay, remote) => denied(remote),
    // Private addresses are the normal case on a LAN mesh.
    denyDialMultiaddr: async (addr) => (gate.refusesAddress?.(addr.toString()) ?? false) || refusesDial(addr),
  };
}
