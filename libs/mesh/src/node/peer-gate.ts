import type { ConnectionGater, PeerId } from '@libp2p/interface';

/** Answers whether a peer is currently banned (see sync/peer-scores.ts). */
export interface PeerGate {
  isBanned(peerId: string): boolean;
  /** Addresses this node must not dial (default: none; a test that forces a path through a network uses it). */
  refusesAddress?(multiaddr: string): boolean;
}

/**
 * A libp2p connection gater that refuses banned peers, inbound and outbound,
 * directly and through a relay: a banned peer gets no slot on our relay, our
 * relay carries no connection from or to it, and we accept no relayed
 * connection from it.
 */
export function gaterFor(gate: PeerGate): ConnectionGater {
  const denied = (peer: PeerId) => gate.isBanned(peer.toString());
  return {
    denyDialPeer: denied,
    denyInboundEncryptedConnection: denied,
    denyOutboundEncryptedConnection: denied,
    denyInboundRelayReservation: denied,
    denyOutboundRelayedConnection: (source, destination) => denied(source) || denied(destination),
    denyInboundRelayedConnection: (_relay, remote) => denied(remote),
    // Loopback and private addresses are the normal case on a LAN mesh.
    denyDialMultiaddr: (addr) => gate.refusesAddress?.(addr.toString()) ?? false,
  };
}
