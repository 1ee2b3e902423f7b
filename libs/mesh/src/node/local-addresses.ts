/**
 * Addresses that lead into this very box (loopback, `localhost`, Unix
 * sockets, the unspecified address). A peer that names them, in a DHT answer
 * or its identify record, would have the gateway dial its own local
 * services; only a node whose own addresses are all of this kind (tests,
 * several gateways on one machine) has peers there (`BoxDialGuard`).
 */
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr';

/** 127.0.0.0/8. */
const isLoopbackIp4 = (ip: string) => ip.split('.')[0] === '127';

/** `localhost`, and any name under it (RFC 6761), which resolvers answer with loopback. */
const isLocalhostName = (name: string) => {
  const n = name.toLowerCase().replace(/\.$/, '');
  return n === 'localhost' || n.endsWith('.localhost');
};

/** The 16 bytes of an `/ip6` component (its text form has many spellings). */
function ip6Bytes(value: string): Uint8Array {
  // The address's bytes follow the one-byte protocol code (0x29).
  return multiaddr(`/ip6/${value}`).bytes.subarray(1, 17);
}

/**
 * Whether `addr` reaches this box only: loopback (127.0.0.0/8, ::1, the same
 * as ::ffff:127.x.x.x), a `localhost` name, or a Unix socket. An address
 * through a relay counts by its first part, the relay's own address.
 */
export function isLoopbackAddress(addr: Multiaddr): boolean {
  const first = firstHop(addr);
  if (!first) return false;
  const { name, value = '' } = first;
  if (name === 'unix') return true;
  if (name === 'ip4') return isLoopbackIp4(value);
  if (name === 'dns' || name === 'dns4' || name === 'dns6' || name === 'dnsaddr')
    return isLocalhostName(value);
  if (name !== 'ip6') return false;
  const ip = ip6Bytes(value);
  if (ip.subarray(0, 15).every((b) => b === 0) && ip[15] === 1) return true;
  return isIp4Mapped(ip) && ip[12] === 127;
}

/**
 * Whether dialling `addr` leads into this box: a loopback address, or the
 * unspecified one (0.0.0.0/8, ::), which Linux connects to the box itself.
 */
export function reachesThisBox(addr: Multiaddr): boolean {
  if (isLoopbackAddress(addr)) return true;
  const first = firstHop(addr);
  if (first?.name === 'ip4') return (first.value ?? '').split('.')[0] === '0';
  if (first?.name !== 'ip6') return false;
  const ip = ip6Bytes(first.value ?? '');
  return ip.every((b) => b === 0) || (isIp4Mapped(ip) && ip[12] === 0);
}

/**
 * Whether a node with these addresses of its own is reached from this box
 * only (tests, several gateways on one machine): then the addresses into the
 * box that its peers name are the ones that work. A node with no address yet
 * is not: it may be about to get one elsewhere (a relay slot).
 */
export function onThisBoxOnly(own: readonly Multiaddr[]): boolean {
  return own.length > 0 && own.every(reachesThisBox);
}

function firstHop(addr: Multiaddr) {
  const components = addr.getComponents();
  // `/ip6zone/<zone>/ip6/...`: the zone only names the interface.
  return components[0]?.name === 'ip6zone' ? components[1] : components[0];
}

/** ::ffff:a.b.c.d, an IPv4 address written as IPv6 (its 16 bytes). */
export function isIp4Mapped(ip: Uint8Array): boolean {
  return ip.subarray(0, 10).every((b) => b === 0) && ip[10] === 0xff && ip[11] === 0xff;
}
