/**
 * Keeps the node from dialling into its own box at a peer's word. Peers name
 * addresses (DHT answers, identify records, remembered peers) that the node
 * then dials: one leading into the box would have it knock on the box's own
 * local services. Refused: addresses into the box (`reachesThisBox`), this
 * box's own interface addresses, and DNS names that resolve to either. Let
 * through: everything while the node is reached from its box only (tests,
 * several gateways on one machine), and the bootstrap peers the operator
 * named. A name that resolves elsewhere when checked and here when dialled
 * (DNS rebinding) is not caught.
 */
import { lookup } from 'node:dns/promises';
import { networkInterfaces } from 'node:os';
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr';
import { onThisBoxOnly, reachesThisBox } from './local-addresses.js';

/** The IP addresses a DNS name resolves to; rejects (or resolves to none) if it does not. */
export type NameLookup = (name: string) => Promise<string[]>;

/** How long a dial waits for its name to resolve before it is refused. */
const LOOKUP_TIMEOUT_MS = 2_000;
/** How long an answer (or a failure) is reused, and how many names are remembered. */
const LOOKUP_CACHE_MS = 30_000;
const LOOKUP_CACHE_NAMES = 256;
/** Names waiting for the resolver past this are refused at once (a peer naming many). */
const LOOKUPS_WAITING = 16;

/** The system resolver (hosts file included, as the transports dial), as `serialLookup` uses it. */
const lookupAll = async (name: string) => (await lookup(name, { all: true })).map((r) => r.address);

/**
 * `resolve`, one name at a time: the system resolver runs on libuv's thread
 * pool, which SQLite shares. The next lookup starts only when the last has
 * really ended (a dial stops waiting after LOOKUP_TIMEOUT_MS, the lookup goes
 * on); answers and failures are reused for a while.
 */
export function serialLookup(resolve: (name: string) => Promise<string[]> = lookupAll): NameLookup {
  const cache = new Map<string, { at: number; ips: Promise<string[]> }>();
  let running: Promise<unknown> = Promise.resolve();
  let waiting = 0;
  return (name) => {
    const now = performance.now();
    const known = cache.get(name);
    if (known && now - known.at < LOOKUP_CACHE_MS) return withTimeout(known.ips, name);
    if (waiting >= LOOKUPS_WAITING) return Promise.reject(new Error('too many names waiting to resolve'));
    waiting += 1;
    const ips = running.then(() => resolve(name));
    running = ips
      .catch(() => {})
      .finally(() => {
        waiting -= 1;
      });
    if (cache.size >= LOOKUP_CACHE_NAMES) cache.clear();
    cache.set(name, { at: now, ips });
    return withTimeout(ips, name);
  };
}

async function withTimeout(ips: Promise<string[]>, name: string): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const slow = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`resolving ${name} took too long`)), LOOKUP_TIMEOUT_MS);
  });
  try {
    return await Promise.race([ips, slow]);
  } finally {
    clearTimeout(timer);
  }
}

/** How long this box's own interface addresses are taken as read. */
const INTERFACES_TTL_MS = 10_000;

export class BoxDialGuard {
  private localOnly: boolean;
  private readonly everyPeerHere: boolean;
  private readonly trusted: ReadonlySet<string>;
  private ownIps: ReadonlySet<string> = new Set();
  private ownIpsAt = Number.NEGATIVE_INFINITY;

  private readonly resolve: NameLookup;
  private readonly interfaceIps: () => string[];

  constructor(
    bootstrap: readonly string[],
    options: { peersOnThisBox?: boolean; resolve?: NameLookup; interfaceIps?: () => string[] } = {},
  ) {
    this.trusted = new Set(bootstrap.map((a) => transportPart(multiaddr(a))));
    this.localOnly = options.peersOnThisBox ?? false;
    this.everyPeerHere = options.peersOnThisBox ?? false;
    this.resolve = options.resolve ?? serialLookup();
    this.interfaceIps = options.interfaceIps ?? boxIps;
  }

  /** The node's own addresses now (at start, and whenever they change). */
  ownAddressesAre(own: readonly Multiaddr[]): void {
    this.localOnly = this.everyPeerHere || onThisBoxOnly(own);
  }

  /** Whether the node is reached from its box only, so its peers are here too. */
  get onThisBoxOnly(): boolean {
    return this.localOnly;
  }

  /** Whether dialling `addr` is refused (a gater's `denyDialMultiaddr`). */
  async refuses(addr: Multiaddr): Promise<boolean> {
    if (this.localOnly || this.trusted.has(transportPart(addr))) return false;
    if (reachesThisBox(addr)) return true;
    const [first] = addr.getComponents();
    if (first?.name === 'ip4' || first?.name === 'ip6') return this.isOwnIp(first.value ?? '');
    if (first?.name !== 'dns' && first?.name !== 'dns4' && first?.name !== 'dns6') return false;
    // Checked by the addresses it resolves to. A name that does not resolve (in time) is not dialled.
    const ips = await this.resolve(first.value ?? '').catch(() => null);
    return !ips?.length || ips.some((ip) => reachesThisBox(ipAddress(ip)) || this.isOwnIp(ip));
  }

  private isOwnIp(ip: string): boolean {
    const now = performance.now();
    if (now - this.ownIpsAt > INTERFACES_TTL_MS) {
      this.ownIps = new Set(this.interfaceIps().map(normalIp));
      this.ownIpsAt = now;
    }
    return this.ownIps.has(normalIp(ip));
  }
}

/** This box's interface addresses, loopback ones aside (reachesThisBox has those). */
function boxIps(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((addrs) => addrs ?? [])
    .filter((a) => !a.internal)
    .map((a) => a.address);
}

const ipAddress = (ip: string) => multiaddr(ip.includes(':') ? `/ip6/${ip}` : `/ip4/${ip}`);

/** One spelling per IPv6 address (multiaddr's); IPv4 as it is. */
function normalIp(ip: string): string {
  try {
    return ipAddress(ip.split('%')[0]).toString();
  } catch {
    return ip;
  }
}

/** Where an address leads before any peer id: `/ip4/…/tcp/…` of `/ip4/…/tcp/…/p2p/<relay>/p2p-circuit/…`. */
export function transportPart(addr: Multiaddr): string {
  const parts = addr.getComponents();
  const end = parts.findIndex((c) => c.name === 'p2p');
  return multiaddr(end < 0 ? parts : parts.slice(0, end)).toString();
}
