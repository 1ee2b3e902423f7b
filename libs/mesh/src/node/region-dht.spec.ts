import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import { describe, expect, it } from 'vitest';
import { LAN, PUBLIC, THIS_BOX } from '../testing/address-samples.js';
import { regionPeerInfoMapper } from './region-dht.js';

const PEER = peerIdFromString('12D3KooWHv6Lf4Mi1hRpbujrZTatk63QwNXRU2L4iLNutoHakJah');

/** The addresses the mapper keeps of `addrs`, on a node reached from its own box only or not. */
const kept = (localOnly: boolean, addrs: readonly string[]) =>
  regionPeerInfoMapper(() => localOnly)({
    id: PEER,
    multiaddrs: addrs.map((a) => multiaddr(a)),
  }).multiaddrs.map((m) => m.toString());

describe('regionPeerInfoMapper', () => {
  it('drops the addresses a peer names into a box: loopback, localhost, Unix sockets, 0.0.0.0', () => {
    expect(kept(false, THIS_BOX)).toEqual([]);
    expect(kept(false, [...THIS_BOX, LAN[0]])).toEqual([LAN[0]]);
  });

  it('keeps LAN and public addresses', () => {
    expect(kept(false, [...LAN, ...PUBLIC])).toEqual([...LAN, ...PUBLIC]);
  });

  it('keeps every address on a node reached from its own box only (tests, one box)', () => {
    // As multiaddr writes them (::ffff:127.0.0.1 is ::ffff:7f00:1).
    const all = [...THIS_BOX, ...LAN].map((a) => multiaddr(a).toString());
    expect(kept(true, all)).toEqual(all);
  });
});
