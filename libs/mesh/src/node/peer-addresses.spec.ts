import { describe, expect, it } from 'vitest';
import { withPeerId } from './peer-addresses.js';

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
