import { describe, expect, it } from 'vitest';
import { decodeInviteCode, encodeInviteCode, INVITE_CODE_LIMITS } from './invite-code.util.js';

const PEER = '12D3KooWL1cLP7g5howiqoCngeFiqNWLGokHgaQXPZtGz8eqad75';
const relayPeer = (i: number) => `12D3KooWHvNpR6L8FkzGtgdhVS8wye5xLrQGCmB43mqFXrM7R1U${'abcdefghij'[i % 10]}`;
const code = (addrs: string[]) => ({
  org: 'org-1',
  invite: 'inv-1',
  secret: 's'.repeat(43),
  peer: PEER,
  addrs,
});

describe('invite codes', () => {
  it('round-trip', () => {
    const addrs = [`/ip4/10.0.0.2/tcp/4001/p2p/${PEER}`];
    expect(decodeInviteCode(encodeInviteCode(code(addrs)))).toEqual(code(addrs));
  });

  it('carry what a decoder accepts, direct addresses first, when a gateway has many relayed ones', () => {
    const direct = [`/ip4/10.0.0.2/tcp/4001/p2p/${PEER}`, `/ip4/192.168.1.5/tcp/4001/p2p/${PEER}`];
    // Two relays, each reachable at many addresses: a gateway behind NAT gets a relayed address for every one.
    const relayed = Array.from(
      { length: 24 },
      (_, i) => `/ip4/203.0.113.${i}/tcp/4001/p2p/${relayPeer(i % 2)}/p2p-circuit/p2p/${PEER}`,
    );
    const encoded = encodeInviteCode(code([...relayed.slice(0, 3), ...direct, ...relayed.slice(3)]));
    expect(encoded.length).toBeLessThanOrEqual(INVITE_CODE_LIMITS.chars);
    const decoded = decodeInviteCode(encoded);
    expect(decoded.addrs.slice(0, 2)).toEqual(direct);
    expect(decoded.addrs.length).toBeGreaterThan(2);
    expect(decoded.addrs.length).toBeLessThanOrEqual(INVITE_CODE_LIMITS.addrs);
    expect(decoded.addrs.slice(2).every((a) => relayed.includes(a))).toBe(true);
  });

  it('keep a LAN address when a box has more loopback addresses than a code carries', () => {
    const loopback = Array.from({ length: 20 }, (_, i) => `/ip4/127.0.0.${i + 1}/tcp/4001/p2p/${PEER}`);
    const lan = `/ip4/192.168.1.5/tcp/4001/p2p/${PEER}`;
    const decoded = decodeInviteCode(encodeInviteCode(code([...loopback, lan])));
    expect(decoded.addrs[0]).toBe(lan);
    expect(decoded.addrs).toHaveLength(INVITE_CODE_LIMITS.addrs);
  });
});
