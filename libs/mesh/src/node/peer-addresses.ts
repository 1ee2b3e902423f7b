/**
 * Keeping in touch with known peers across restarts: the peer store is in
 * memory, so the gateway persists peers' addresses itself and hands them back
 * here at start. Co-hosts remembered this way carry libp2p's keep-alive tag,
 * so the connection manager redials them when a link drops.
 */
import { KEEP_ALIVE, type PeerId, type PeerStore } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { isPrivate } from '@libp2p/utils';
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr';
import { isIp4Mapped, reachesThisBox } from './local-addresses.js';

/** The peer store tag that has libp2p keep a peer connected (its name starts with KEEP_ALIVE). */
export const KEEP_CONNECTED_TAG = `${KEEP_ALIVE}-gatehouse`;

/**
 * `addr` with `/p2p/<peer>` at the end, so a dial checks it reaches that very peer. A relayed
 * address already names a peer, the relay (`…/p2p/<relay>/p2p-circuit`): it gets `peer` too.
 */
export function withPeerId(addr: string, peer: string): Multiaddr {
  const ma = multiaddr(addr);
  const last = ma.getComponents().findLast((c) => c.name === 'p2p');
  return last?.value === peer && ma.getComponents().at(-1)?.name === 'p2p'
    ? ma
    : ma.encapsulate(`/p2p/${peer}`);
}

/**
 * Why `addr` will not do as an address to listen on, announce or dial (null
 * when it will). With `namesPeer`, it must end in `/p2p/<peer id>`: libp2p
 * drops a bootstrap address that does not, without a word.
 */
export function addressProblem(addr: string, options: { namesPeer?: boolean } = {}): string | null {
  let ma: Multiaddr;
  try {
    ma = multiaddr(addr);
  } catch (err) {
    return (err as Error).message;
  }
  if (!options.namesPeer) return null;
  const last = ma.getComponents().at(-1);
  if (last?.name !== 'p2p') return 'does not end in /p2p/<peer id>';
  try {
    peerIdFromString(last.value ?? '');
  } catch {
    return `${last.value} is not a peer id`;
  }
  return null;
}

/** Parses multiaddrs, dropping any that do not parse. */
export function parseAddresses(addrs: readonly string[]): Multiaddr[] {
  const out: Multiaddr[] = [];
  for (const a of addrs) {
    try {
      out.push(multiaddr(a));
    } catch {
      // An address we cannot parse is one we cannot dial.
    }
  }
  return out;
}

/**
 * Adds a peer's addresses to the peer store and, with `keepAlive` (a co-host),
 * tags it to be kept connected: libp2p dials tagged peers at start and redials
 * them when a link drops, so only peers we exchange organisations with get it.
 */
export async function rememberPeer(
  node: { peerStore: PeerStore },
  peer: string,
  addrs: readonly string[],
  { keepAlive }: { keepAlive: boolean },
): Promise<PeerId> {
  const id = peerIdFromString(peer);
  const multiaddrs = parseAddresses(addrs).map((a) => {
    const parts = a.getComponents().filter((c) => c.name !== 'p2p');
    return multiaddr(parts);
  });
  await node.peerStore.merge(id, {
    multiaddrs,
    ...(keepAlive && { tags: { [KEEP_CONNECTED_TAG]: { value: 50 } } }),
  });
  return id;
}

/** Stops redialling a peer (e.g. revoked everywhere we share). */
export async function forgetPeer(node: { peerStore: PeerStore }, peer: string): Promise<void> {
  await node.peerStore.merge(peerIdFromString(peer), { tags: { [KEEP_CONNECTED_TAG]: undefined } });
}

/** Whether `addr` goes through a relay (`…/p2p/<relay>/p2p-circuit/…`). */
export function isRelayedAddress(addr: Multiaddr): boolean {
  return addr.getComponents().some((c) => c.name === 'p2p-circuit');
}

/**
 * The IPv4 address, or the IPv6 /64, an address comes from (null if neither):
 * one IPv6 host usually holds a whole /64, so counting single addresses would
 * not limit it.
 */
export function hostOf(addr: Multiaddr): string | null {
  const [first] = addr.getComponents();
  if (first?.name === 'ip4') return first.value ?? null;
  if (first?.name !== 'ip6') return null;
  // The address's own 16 bytes, after the one-byte protocol code: no parsing of its text form.
  const ip = addr.bytes.subarray(1, 17);
  // An IPv4 address written as IPv6 (::ffff:192.0.2.7) is that IPv4 host.
  if (isIp4Mapped(ip)) return ip.subarray(12).join('.');
  const groups = [0, 2, 4, 6].map((at) => ((ip[at] << 8) | ip[at + 1]).toString(16));
  return `${groups.join(':')}::/64`;
}

/**
 * How far an address reaches, best first: a public address, one on a private
 * network (a village LAN), one through a relay, then loopback ones (this box
 * only), a relayed one through a loopback relay last.
 */
function reach(addr: Multiaddr): number {
  // A relayed address starts with the relay's own address.
  const local = reachesThisBox(addr);
  const relayed = isRelayedAddress(addr);
  if (local) return relayed ? 4 : 3;
  if (relayed) return 2;
  return isPrivate(addr) ? 1 : 0;
}

/**
 * `addrs` ordered by how far they reach (see `reach`), in their given order
 * within each rank, without those that do not parse: where a list of a
 * peer's addresses must be cut short, the ones others can dial stay.
 */
export function rankAddresses(addrs: readonly string[]): string[] {
  const ranked: { text: string; rank: number; at: number }[] = [];
  addrs.forEach((text, at) => {
    const [ma] = parseAddresses([text]);
    if (ma) ranked.push({ text, rank: reach(ma), at });
  });
  return ranked.sort((a, b) => a.rank - b.rank || a.at - b.at).map((a) => a.text);
}

/** The node's `/p2p-circuit` addresses: where it can be reached through relays it holds a slot on. */
export function circuitAddresses(node: { getMultiaddrs(): Multiaddr[] }): Multiaddr[] {
  return node.getMultiaddrs().filter(isRelayedAddress);
}

/** The node's own addresses as strings, each ending in /p2p/<peer id>. */
export function ownAddresses(node: { getMultiaddrs(): Multiaddr[] }): string[] {
  return node.getMultiaddrs().map((m) => m.toString());
}
