import { multiaddr } from '@multiformats/multiaddr';
import { describe, expect, it } from 'vitest';
import { LAN, PUBLIC, RELAY, THIS_BOX } from '../testing/address-samples.js';
import { onThisBoxOnly, reachesThisBox } from './local-addresses.js';

describe('reachesThisBox', () => {
  it('is true of loopback, localhost names, Unix sockets, the unspecified address, and relays reached that way', () => {
    for (const a of THIS_BOX) expect(reachesThisBox(multiaddr(a)), a).toBe(true);
  });

  it('is false of LAN addresses, a region usually being one LAN, public ones, and relays reached that way', () => {
    const relayed = `/ip4/198.51.100.9/tcp/4001/p2p/${RELAY}/p2p-circuit`;
    for (const a of [...LAN, ...PUBLIC, relayed]) expect(reachesThisBox(multiaddr(a)), a).toBe(false);
  });
});

describe('onThisBoxOnly', () => {
  it('is true while every address a node has leads into its box, and it has one', () => {
    const own = (addrs: string[]) => onThisBoxOnly(addrs.map((a) => multiaddr(a)));
    expect(own(['/ip4/127.0.0.1/tcp/4001', '/ip6/::1/tcp/4001/ws'])).toBe(true);
    expect(own([])).toBe(false);
    expect(own(['/ip4/127.0.0.1/tcp/4001', '/ip4/192.168.1.2/tcp/4001'])).toBe(false);
    // Reached through a relay elsewhere: other boxes reach it.
    expect(own([`/ip4/198.51.100.9/tcp/4001/p2p/${RELAY}/p2p-circuit`])).toBe(false);
  });
});
