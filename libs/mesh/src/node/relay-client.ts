/**
 * The circuit-relay-v2 transport as a relay client: it dials `/p2p-circuit`
 * addresses, and each bare `/p2p-circuit` listen address asks it for one
 * reservation on a relay server it finds. It finds them among peers it is
 * connected to (identify says they speak the hop protocol: bootstrap peers,
 * LAN neighbours, anyone who dialled us) and peers in the peer store known to
 * speak it, and reserves as soon as one turns up.
 *
 * libp2p's transport also walks the DHT for random peers while it has fewer
 * reservations than it wants, with no pause between queries, for as long as no
 * relay turns up: in a region without a relay server that is a busy loop
 * (4.5 s of CPU in 5 s for four gateways on loopback, against 30 ms without
 * it). Gatehouse relays are the gateways with reachable addresses, which other
 * gateways name as bootstrap peers or meet on the LAN, so the transport gets a
 * random walk that finds nothing and costs nothing.
 */
import { type CircuitRelayTransportInit, circuitRelayTransport } from '@libp2p/circuit-relay-v2';
import type { AbortOptions, PeerInfo, Transport } from '@libp2p/interface';
import type { RandomWalk } from '@libp2p/interface-internal';

type TransportComponents = Parameters<ReturnType<typeof circuitRelayTransport>>[0];

/** Yields nothing, and returns when the walk is called off. */
export const NO_RANDOM_WALK: RandomWalk = {
  async *walk(options?: AbortOptions): AsyncGenerator<PeerInfo> {
    const signal = options?.signal;
    if (!signal || signal.aborted) return;
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  },
};

export function relayClientTransport(
  init?: CircuitRelayTransportInit,
): (components: TransportComponents) => Transport {
  const factory = circuitRelayTransport(init);
  // libp2p's components object is a proxy that throws on unknown names; inherit from it, replacing one.
  return (components) => factory(Object.create(components, { randomWalk: { value: NO_RANDOM_WALK } }));
}
