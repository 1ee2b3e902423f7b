/**
 * Circuit relay on real libp2p nodes over loopback TCP. A gateway "behind NAT"
 * listens on no address of its own, only on '/p2p-circuit': the relay is the
 * only way to reach it.
 */
import type { Multiaddr } from '@multiformats/multiaddr';
import { afterEach, describe, expect, it } from 'vitest';
import { generateIdentity } from '../identity/gateway-identity.js';
import { eventually } from '../testing/replication-suite.js';
import { createGatewayNode, type GatewayNode, type GatewayNodeInit } from './gateway-node.js';
import { circuitAddresses, isRelayedAddress } from './peer-addresses.js';
import { NO_RANDOM_WALK } from './relay-client.js';

const running: GatewayNode[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((n) => n.stop()));
});

async function node(init: Partial<GatewayNodeInit> = {}): Promise<GatewayNode> {
  const identity = await generateIdentity();
  const n = await createGatewayNode({
    privateKey: identity.privateKey,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    mdns: false,
    dht: false,
    ...init,
  });
  running.push(n);
  return n;
}

const relayServer = (init: Partial<GatewayNodeInit> = {}) => node({ relay: 'server', ...init });
/** A gateway behind NAT: nothing to dial but its relayed addresses. */
const natted = (init: Partial<GatewayNodeInit> = {}) => node({ listen: [], relay: 'client', ...init });

/** The relays a node holds a slot on, from its `/p2p-circuit` addresses. */
function relaysOf(n: GatewayNode): Set<string> {
  return new Set(
    circuitAddresses(n).map((a: Multiaddr) => a.getComponents().find((c) => c.name === 'p2p')?.value ?? ''),
  );
}

const reservationsOn = (relay: GatewayNode) => relay.services.relay?.reservations.size ?? 0;

describe('circuit relay', () => {
  it('a gateway behind NAT reserves a slot on a relay it dials, and a third gateway reaches it through the relay', async () => {
    const r = await relayServer();
    const a = await natted();
    const b = await node({ relay: 'client' });
    expect(a.getMultiaddrs()).toEqual([]);

    await a.dial(r.getMultiaddrs(), { signal: AbortSignal.timeout(5000) });
    await eventually(() => circuitAddresses(a).length > 0, 10_000, 'a reservation on the relay');
    expect([...relaysOf(a)]).toEqual([r.peerId.toString()]);
    // Nothing but relayed addresses: there is no other way in.
    expect(a.getMultiaddrs().every(isRelayedAddress)).toBe(true);
    expect(reservationsOn(r)).toBe(1);

    // b knows nothing of a but its relayed address.
    const rtt = await b.services.ping.ping(circuitAddresses(a), { signal: AbortSignal.timeout(5000) });
    expect(rtt).toBeGreaterThanOrEqual(0);
    const [toA] = b.getConnections(a.peerId);
    expect(isRelayedAddress(toA.remoteAddr)).toBe(true);
    expect(toA.remoteAddr.toString()).toContain(`/p2p/${r.peerId}/p2p-circuit/p2p/${a.peerId}`);
    // Our relays apply no limit, so the connection is not "limited": every protocol runs on it.
    expect(toA.limits).toBeUndefined();
    await eventually(() => a.getConnections(b.peerId).length > 0, 5000, 'the connection at a');
    const [fromB] = a.getConnections(b.peerId);
    expect(isRelayedAddress(fromB.remoteAddr)).toBe(true);
    expect(fromB.limits).toBeUndefined();
  });

  it('reserves on at most two relays, and takes another when one goes away', async () => {
    const relays = await Promise.all([relayServer(), relayServer(), relayServer()]);
    const a = await natted();
    for (const r of relays) await a.dial(r.getMultiaddrs(), { signal: AbortSignal.timeout(5000) });
    await eventually(() => relaysOf(a).size === 2, 10_000, 'two reservations');
    // Every relay has been identified as one by now; still two slots, no more.
    await eventually(
      async () => {
        for (const r of relays) {
          const peer = await a.peerStore.get(r.peerId);
          if (!peer.protocols.includes('/libp2p/circuit/relay/0.2.0/hop')) return false;
        }
        return true;
      },
      5000,
      'identify',
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(relaysOf(a).size).toBe(2);
    expect(relays.map(reservationsOn).sort()).toEqual([0, 1, 1]);

    const used = relays.find((r) => reservationsOn(r) === 1)!;
    await used.stop();
    const others = relays.filter((r) => r !== used);
    const wanted = others.map((r) => r.peerId.toString()).sort();
    // The relay records a reservation a moment before the client advertises it: wait for both.
    await eventually(
      () => others.every((r) => reservationsOn(r) === 1) && [...relaysOf(a)].sort().join() === wanted.join(),
      10_000,
      'a reservation on the third relay, and its address in place of the lost one',
    );
  });

  it('reserves on a relay named as a bootstrap peer, and again after that relay restarts', async () => {
    const relayIdentity = await generateIdentity();
    const first = await createGatewayNode({
      privateKey: relayIdentity.privateKey,
      listen: ['/ip4/127.0.0.1/tcp/0'],
      mdns: false,
      dht: false,
      relay: 'server',
    });
    running.push(first);
    const [addr] = first.getMultiaddrs();
    const port = addr.getComponents().find((c) => c.name === 'tcp')?.value;
    const a = await natted({ bootstrap: [addr.toString()], bootstrapRedialMs: 200 });
    await eventually(
      () => relaysOf(a).has(relayIdentity.peerId),
      10_000,
      'a reservation on the bootstrap relay',
    );

    await first.stop();
    await eventually(() => circuitAddresses(a).length === 0, 10_000, 'the relayed address to go');
    // Down long enough for a's reservation attempts on it to fail.
    await new Promise((r) => setTimeout(r, 1500));
    const again = await createGatewayNode({
      privateKey: relayIdentity.privateKey,
      listen: [`/ip4/127.0.0.1/tcp/${port}`],
      mdns: false,
      dht: false,
      relay: 'server',
    });
    running.push(again);
    await eventually(() => relaysOf(a).has(relayIdentity.peerId), 10_000, 'a new reservation');
    expect(reservationsOn(again)).toBe(1);
  });

  it('tells peers it is already connected to about its relayed addresses, so they can come back through the relay', async () => {
    const r = await relayServer();
    const a = await natted();
    const b = await node({ relay: 'client', relayReservations: 0 });
    // a dials b first: b learns a's addresses (none yet) from identify.
    await a.dial(b.getMultiaddrs(), { signal: AbortSignal.timeout(5000) });
    await a.dial(r.getMultiaddrs(), { signal: AbortSignal.timeout(5000) });
    await eventually(() => circuitAddresses(a).length > 0, 10_000, 'a reservation');
    // identify push brings b the relayed address.
    await eventually(
      async () => (await b.peerStore.get(a.peerId)).addresses.some((x) => isRelayedAddress(x.multiaddr)),
      10_000,
      'b to learn the relayed address',
    );
    await b.hangUp(a.peerId);
    await eventually(() => b.getConnections(a.peerId).length === 0, 5000, 'hang up');
    // By peer id alone: b dials what its peer store holds, which is the relayed address.
    await b.services.ping.ping(a.peerId, { signal: AbortSignal.timeout(5000) });
    expect(b.getConnections(a.peerId).every((c) => isRelayedAddress(c.remoteAddr))).toBe(true);
  });

  it('a banned peer cannot reach a gateway through its relay', async () => {
    const banned = new Set<string>();
    const r = await relayServer();
    const a = await natted({ gate: { isBanned: (p) => banned.has(p) } });
    const b = await node({ relay: 'client', relayReservations: 0 });
    await a.dial(r.getMultiaddrs(), { signal: AbortSignal.timeout(5000) });
    await eventually(() => circuitAddresses(a).length > 0, 10_000, 'a reservation');
    banned.add(b.peerId.toString());
    await expect(
      b.services.ping.ping(circuitAddresses(a), { signal: AbortSignal.timeout(5000) }),
    ).rejects.toThrow();
    expect(a.getConnections(b.peerId)).toHaveLength(0);
    banned.clear();
    await expect(
      b.services.ping.ping(circuitAddresses(a), { signal: AbortSignal.timeout(5000) }),
    ).resolves.toBeGreaterThanOrEqual(0);
  });

  it('a gateway that announces its own addresses takes no relay slot', async () => {
    const r = await relayServer();
    const a = await node({ relay: 'client', announce: ['/ip4/192.0.2.7/tcp/4001'] });
    await a.dial(r.getMultiaddrs(), { signal: AbortSignal.timeout(5000) });
    await eventually(
      async () => (await a.peerStore.get(r.peerId)).protocols.includes('/libp2p/circuit/relay/0.2.0/hop'),
      5000,
      'identify',
    );
    await new Promise((res) => setTimeout(res, 300));
    expect(reservationsOn(r)).toBe(0);
    expect(circuitAddresses(a)).toEqual([]);
  });

  it('a client with no relay to be found does not spin looking for one (no random walk)', async () => {
    // With the DHT on, libp2p's relay transport would walk it for relays back to back: seconds of CPU per second.
    const nodes = [];
    for (let i = 0; i < 4; i++) nodes.push(await node({ dht: true, relay: 'client' }));
    for (const n of nodes.slice(1))
      await n.dial(nodes[0].getMultiaddrs(), { signal: AbortSignal.timeout(5000) });
    await new Promise((r) => setTimeout(r, 500));
    const before = process.cpuUsage();
    await new Promise((r) => setTimeout(r, 2000));
    const used = process.cpuUsage(before);
    expect((used.user + used.system) / 1000).toBeLessThan(700); // ms of CPU in 2 s; the walk took ~1800
    expect(nodes.every((n) => circuitAddresses(n).length === 0)).toBe(true);
  });

  it("the random walk handed to the relay transport finds nothing and ends when it's called off", async () => {
    const controller = new AbortController();
    const seen: unknown[] = [];
    const walking = (async () => {
      for await (const peer of NO_RANDOM_WALK.walk({ signal: controller.signal })) seen.push(peer);
    })();
    await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    await walking;
    expect(seen).toEqual([]);
  });
});
