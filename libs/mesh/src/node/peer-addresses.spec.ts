import { describe, expect, it } from 'vitest';
import { rankAddresses, withPeerId } from './peer-addresses.js';

const PEER = '12D3KooWHv6Lf4Mi1hRpbujrZTatk63QwNXRU2L4iLNutoHakJah';
const RELAY = '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo';

describe('withPeerId', () => {
  it('ends every address with the peer it must reach, relayed ones included', () => {
    expect(withPeerId('/ip4/10.0.0.1/tcp/4001', PEER).toString()).toBe(`/ip4/10.0.0.1/tcp/4001/p2p/${PEER}`);
    expect(withPeerId(`/ip4/10.0.0.1/tcp/4001/p2p/${PEER}`, PEER).toString()).toBe(
      `/ip4/10.0.0.1/tcp/4001/p2p/${PEER}`,
    );
    // What identify reports for a peer behind a relay names only the relay.
    const relayed = `/ip4/10.0.0.9/tcp/4001/p2p/${RELAY}/p2p-circuit`;
    expect(withPeerId(relayed, PEER).toString()).toBe(`${relayed}/p2p/${PEER}`);
    expect(withPeerId(`${relayed}/p2p/${PEER}`, PEER).toString()).toBe(`${relayed}/p2p/${PEER}`);
  });
});

describe('rankAddresses', () => {
  it('puts the addresses that reach furthest first: public, LAN, relayed, loopback, relayed through loopback', () => {
    const viaLoopback = `/ip4/127.0.0.1/tcp/4002/p2p/${RELAY}/p2p-circuit/p2p/${PEER}`;
    const loopback4 = '/ip4/127.0.0.1/tcp/4001';
    const loopback6 = '/ip6/::1/tcp/4001';
    const relayed = `/ip4/198.51.100.7/tcp/4001/p2p/${RELAY}/p2p-circuit/p2p/${PEER}`;
    const lan = '/ip4/192.168.1.5/tcp/4001';
    const lan6 = '/ip6/fd00::5/tcp/4001/ws';
    const open = '/ip4/8.8.4.4/tcp/4001';
    const ranked = rankAddresses([
      viaLoopback,
      loopback4,
      'not an address',
      relayed,
      lan,
      loopback6,
      open,
      lan6,
    ]);
    expect(ranked).toEqual([open, lan, lan6, relayed, loopback4, loopback6, viaLoopback]);
  });
});
