/**
 * Circuit relay on real libp2p nodes over loopback TCP. A gateway "behind NAT"
 * listens on no address of its own, only on '/p2p-circuit': the relay is the
 * only way to reach it.
 */
import { lpStream } from '@libp2p/utils';
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr';
import { afterEach, describe, expect, it } from 'vitest';
import { generateIdentity } from '../identity/gateway-identity.js';
import { eventually } from '../testing/replication-suite.js';
import { createGatewayNode, type GatewayNode, type GatewayNodeInit } from './gateway-node.js';
import { circuitAddresses, hostOf, isRelayedAddress } from './peer-addresses.js';
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
    // Some have no listen address: nothing else tells them their peers are on this machine.
    peersOnThisBox: true,
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
const holds = (relay: GatewayNode, n: GatewayNode) =>
  relay.services.relay?.reservations.has(n.peerId) ?? false;

const HOP = '/libp2p/circuit/relay/0.2.0/hop';
const OK = 100;
const PERMISSION_DENIED = 202;

/** A peer that asks for reservations itself (no relay transport, so it never asks on its own). */
const asker = () => node({ listen: [], relay: 'off' });

/** Asks `relay` for a reservation (or its renewal) as a relay client does; answers the status (100: OK). */
async function reserve(from: GatewayNode, relay: GatewayNode): Promise<number> {
  const stream = await from.dialProtocol(relay.getMultiaddrs(), HOP, { signal: AbortSignal.timeout(5000) });
  const lp = lpStream(stream);
  await lp.write(Uint8Array.of(0x08, 0x00)); // HopMessage { type: RESERVE }
  const answer = await lp.read({ signal: AbortSignal.timeout(5000) });
  stream.abort(new Error('done'));
  return hopStatus(answer.subarray());
}

/** The `status` field (5) of a protobuf HopMessage. */
function hopStatus(msg: Uint8Array): number {
  let at = 0;
  const varint = () => {
    let value = 0;
    for (let shift = 0; at < msg.length; shift += 7) {
      const byte = msg[at++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
    throw new RangeError('truncated varint');
  };
  while (at < msg.length) {
    const tag = varint();
    if ((tag & 7) === 2) {
      const length = varint();
      at += length;
    } else if (tag >> 3 === 5) return varint();
    else varint();
  }
  return -1;
}

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

  it('strangers share a few slots; a peer the relay wants gets one when they are taken', async () => {
    const wanted = new Set<string>();
    const r = await relayServer({ relayServer: { strangerReservations: 2, wanted: (p) => wanted.has(p) } });
    const [s1, s2, s3, w] = [await asker(), await asker(), await asker(), await asker()];
    wanted.add(w.peerId.toString());
    expect(await reserve(s1, r)).toBe(OK);
    expect(await reserve(s2, r)).toBe(OK);
    expect(await reserve(s3, r)).toBe(PERMISSION_DENIED);
    // Renewing takes no new place.
    expect(await reserve(s1, r)).toBe(OK);
    expect(await reserve(w, r)).toBe(OK);
    expect(reservationsOn(r)).toBe(3);
    expect(holds(r, s3)).toBe(false);
  });

  it('peers from one IP address hold at most a few slots, unless the relay wants them', async () => {
    const wanted = new Set<string>();
    const r = await relayServer({ relayServer: { reservationsPerIp: 2, wanted: (p) => wanted.has(p) } });
    const [s1, s2, s3, w] = [await asker(), await asker(), await asker(), await asker()];
    wanted.add(w.peerId.toString());
    // All of them come from 127.0.0.1.
    expect(await reserve(s1, r)).toBe(OK);
    expect(await reserve(s2, r)).toBe(OK);
    expect(await reserve(s3, r)).toBe(PERMISSION_DENIED);
    expect(await reserve(w, r)).toBe(OK);
    expect(reservationsOn(r)).toBe(3);
    // With no predicate, every peer is a stranger.
    const plain = await relayServer({ relayServer: { reservationsPerIp: 1 } });
    expect(await reserve(s1, plain)).toBe(OK);
    expect(await reserve(w, plain)).toBe(PERMISSION_DENIED);
  });

  it('a slot goes back as soon as its holder disconnects', async () => {
    const r = await relayServer();
    const a = await natted();
    await a.dial(r.getMultiaddrs(), { signal: AbortSignal.timeout(5000) });
    await eventually(() => circuitAddresses(a).length > 0, 10_000, 'a reservation');
    expect(reservationsOn(r)).toBe(1);
    await a.stop();
    // libp2p's relay would hold it for the reservation's whole lifetime.
    await eventually(() => reservationsOn(r) === 0, 5000, 'the slot to be released');
  });

  it('a reservation renewed again and again lasts until its last renewal runs out', async () => {
    const ttl = 4000;
    const r = await relayServer({ relayServer: { reservationTtlMs: ttl } });
    const c = await asker();
    const pause = (ms: number) => new Promise((res) => setTimeout(res, ms));
    expect(await reserve(c, r)).toBe(OK);
    await pause(1000);
    expect(await reserve(c, r)).toBe(OK);
    await pause(1000);
    expect(await reserve(c, r)).toBe(OK);
    const renewed = Date.now();
    // retimeable-signal 1.0.1, left alone, would end it ttl after the second request.
    await pause(ttl - 500);
    expect(holds(r, c)).toBe(true);
    await eventually(() => !holds(r, c), ttl, 'the reservation to expire');
    expect(Date.now() - renewed).toBeGreaterThanOrEqual(ttl - 50);
  });

  it('a stopped relay lets go of its slots: their timers hold neither it nor their holders', async () => {
    // Not shorter: libp2p's relay rounds a slot's expiry to whole seconds, and fails one that ends in the past.
    const ttl = 1500;
    const r = await relayServer({ relayServer: { reservationTtlMs: ttl } });
    const c = await asker();
    expect(await reserve(c, r)).toBe(OK);
    const signals = [...(r.services.relay?.reservations.values() ?? [])].map((x) => x.signal);
    expect(signals).toHaveLength(1);
    await r.stop();
    await new Promise((res) => setTimeout(res, ttl + 1000));
    // A timer still armed would have fired: its slot's signal aborted, the stopped node held till then.
    expect(signals.every((s) => !s.aborted)).toBe(true);
  });

  it('counts IPv6 peers per /64, and IPv4 peers per address', () => {
    expect(hostOf(multiaddr('/ip4/192.0.2.7/tcp/4001'))).toBe('192.0.2.7');
    expect(hostOf(multiaddr('/ip6/2001:db8:1:2:3:4:5:6/tcp/4001'))).toBe('2001:db8:1:2::/64');
    expect(hostOf(multiaddr('/ip6/2001:db8:1:2::9/tcp/4001'))).toBe('2001:db8:1:2::/64');
    expect(hostOf(multiaddr('/ip6/2001:db8::1/tcp/4001'))).toBe('2001:db8:0:0::/64');
    expect(hostOf(multiaddr('/ip6/::ffff:192.0.2.7/tcp/4001'))).toBe('192.0.2.7');
    expect(hostOf(multiaddr('/ip6/::1/tcp/4001'))).toBe('0:0:0:0::/64');
    expect(hostOf(multiaddr('/dns4/relay.example/tcp/4001'))).toBeNull();
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
