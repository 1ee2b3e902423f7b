import { multiaddr } from '@multiformats/multiaddr';
import { describe, expect, it } from 'vitest';
import { LAN, PUBLIC, THIS_BOX } from '../testing/address-samples.js';
import { BoxDialGuard, serialLookup } from './box-dial-guard.js';

const PEER = '12D3KooWHv6Lf4Mi1hRpbujrZTatk63QwNXRU2L4iLNutoHakJah';
/** Names as a peer might choose them, and what they resolve to. */
const NAMES: Record<string, string[]> = {
  'sneaky.example.net': ['203.0.113.9', '127.0.0.1'],
  'me.example.net': ['192.168.1.2'],
  'gate.example.org': ['198.51.100.7'],
};
/** A node on a LAN at 192.168.1.2 (and 2001:db8::2), reached there, bootstrapping from this box's port 4100. */
function onLan(): BoxDialGuard {
  const guard = new BoxDialGuard([`/ip4/127.0.0.1/tcp/4100/p2p/${PEER}`], {
    resolve: async (name) => NAMES[name] ?? [],
    interfaceIps: () => ['192.168.1.2', '2001:0db8:0000:0000:0000:0000:0000:0002'],
  });
  guard.ownAddressesAre([multiaddr('/ip4/192.168.1.2/tcp/4001'), multiaddr('/ip4/127.0.0.1/tcp/4001')]);
  return guard;
}
const refused = (guard: BoxDialGuard, addr: string) => guard.refuses(multiaddr(addr));

describe('BoxDialGuard', () => {
  it('refuses addresses into the box, its own interface addresses, and names that resolve to either', async () => {
    const guard = onLan();
    for (const a of [
      ...THIS_BOX,
      '/ip4/192.168.1.2/tcp/6379',
      '/ip6/2001:db8::2/tcp/6379',
      '/dns4/sneaky.example.net/tcp/8080/ws',
      '/dns4/me.example.net/tcp/22',
      // Not resolved: not dialled either.
      '/dns4/nowhere.example.net/tcp/4001',
    ])
      expect(await refused(guard, a), a).toBe(true);
  });

  it('lets through LAN and public addresses, names that resolve elsewhere, and the bootstrap peers named', async () => {
    const guard = onLan();
    for (const a of [
      ...LAN,
      ...PUBLIC,
      '/dns4/gate.example.org/tcp/443/wss',
      `/ip4/127.0.0.1/tcp/4100/p2p/${PEER}`,
      // Through the bootstrap peer as a relay.
      `/ip4/127.0.0.1/tcp/4100/p2p/${PEER}/p2p-circuit/p2p/12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo`,
    ])
      expect(await refused(guard, a), a).toBe(false);
  });

  it('lets everything through while the node is reached from its box only, and nothing into it before it has an address', async () => {
    const guard = onLan();
    guard.ownAddressesAre([multiaddr('/ip4/127.0.0.1/tcp/4001')]);
    expect(await refused(guard, '/ip4/127.0.0.1/tcp/4002')).toBe(false);
    guard.ownAddressesAre([]);
    expect(await refused(guard, '/ip4/127.0.0.1/tcp/4002')).toBe(true);
    // Unless told its peers are all here (tests on one machine).
    const here = new BoxDialGuard([], { peersOnThisBox: true });
    here.ownAddressesAre([multiaddr('/ip4/192.168.1.2/tcp/4001')]);
    expect(await refused(here, '/ip4/127.0.0.1/tcp/4002')).toBe(false);
  });
});

describe('serialLookup', () => {
  it('resolves one name at a time, reuses answers, and turns away names past those waiting', async () => {
    const started: string[] = [];
    const answers = new Map<string, (ips: string[]) => void>();
    const resolve = serialLookup(
      (name) =>
        new Promise((done) => {
          started.push(name);
          answers.set(name, done);
        }),
    );
    const settle = () => new Promise((r) => setTimeout(r, 10));
    const first = resolve('a.example');
    const second = resolve('b.example');
    await settle();
    expect(started).toEqual(['a.example']);
    answers.get('a.example')?.(['192.0.2.1']);
    expect(await first).toEqual(['192.0.2.1']);
    await settle();
    expect(started).toEqual(['a.example', 'b.example']);
    // Answered from what is known.
    expect(await resolve('a.example')).toEqual(['192.0.2.1']);
    expect(started).toHaveLength(2);
    // b.example hangs: 15 more names wait behind it, and the next is turned away at once.
    for (let i = 0; i < 15; i++) resolve(`w${i}.example`).catch(() => {});
    await expect(resolve('one-too-many.example')).rejects.toThrow(/too many/);
    expect(started).toHaveLength(2);
    answers.get('b.example')?.(['192.0.2.2']);
    expect(await second).toEqual(['192.0.2.2']);
  });
});
