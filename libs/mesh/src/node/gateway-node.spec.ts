import { connect, type Socket } from 'node:net';
import { generateKeyPair, publicKeyToProtobuf } from '@libp2p/crypto/keys';
import type { PeerId } from '@libp2p/interface';
import type { QueryEvent } from '@libp2p/kad-dht';
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id';
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr';
import { describe, expect, it } from 'vitest';
import { generateIdentity } from '../identity/gateway-identity.js';
import { SMALL_BOX_POLICY } from './connection-policy.js';
import { createGatewayNode } from './gateway-node.js';
import { gaterFor } from './peer-gate.js';
import { PROVIDER_SWEEP_MS } from './region-dht.js';

describe('createGatewayNode', () => {
  it('uses the gateway key as peer id, listens on TCP and WebSockets, pings a peer and stops cleanly', async () => {
    const [ia, ib] = await Promise.all([generateIdentity(), generateIdentity()]);
    const a = await createGatewayNode({
      privateKey: ia.privateKey,
      listen: ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'],
      mdns: false,
      region: 'valley',
    });
    const b = await createGatewayNode({
      privateKey: ib.privateKey,
      listen: ['/ip4/127.0.0.1/tcp/0'],
      mdns: false,
    });
    try {
      expect(a.peerId.toString()).toBe(ia.peerId);
      const addrs = a.getMultiaddrs().map((m) => m.toString());
      expect(addrs.some((x) => x.includes('/ws'))).toBe(true);
      const ws = a.getMultiaddrs().find((m) => m.toString().includes('/ws'))!;
      const rtt = await b.services.ping.ping(ws, { signal: AbortSignal.timeout(5000) });
      expect(rtt).toBeGreaterThanOrEqual(0);
      expect(a.getProtocols()).toContain('/gatehouse/valley/kad/1.0.0');
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    expect(a.status).toBe('stopped');
  });

  it('still takes a gateway while silent sockets hold handshake slots (more than the old limit of 8)', async () => {
    const [ia, ib] = await Promise.all([generateIdentity(), generateIdentity()]);
    const a = await createGatewayNode({
      privateKey: ia.privateKey,
      listen: ['/ip4/127.0.0.1/tcp/0'],
      mdns: false,
      dht: false,
    });
    const b = await createGatewayNode({
      privateKey: ib.privateKey,
      listen: ['/ip4/127.0.0.1/tcp/0'],
      mdns: false,
      dht: false,
    });
    const port = Number(a.getMultiaddrs()[0].toString().split('/')[4]);
    // From distinct loopback hosts, so the per-host rate limit does not turn them away first.
    const silent = 16;
    expect(silent).toBeLessThan(SMALL_BOX_POLICY.maxIncomingPendingConnections);
    const sockets: Socket[] = [];
    try {
      for (let i = 0; i < silent; i++) {
        const socket = connect({ host: '127.0.0.1', port, localAddress: `127.0.0.${i + 2}` });
        socket.on('error', () => {});
        await new Promise((resolve) => socket.once('connect', resolve));
        sockets.push(socket);
      }
      const rtt = await b.services.ping.ping(a.getMultiaddrs()[0], { signal: AbortSignal.timeout(5000) });
      expect(rtt).toBeGreaterThanOrEqual(0);
    } finally {
      for (const socket of sockets) socket.destroy();
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('refuses connections from a banned peer', async () => {
    const [ia, ib] = await Promise.all([generateIdentity(), generateIdentity()]);
    const banned = new Set([ib.peerId]);
    const a = await createGatewayNode({
      privateKey: ia.privateKey,
      listen: ['/ip4/127.0.0.1/tcp/0'],
      mdns: false,
      dht: false,
      gate: { isBanned: (p) => banned.has(p) },
    });
    const b = await createGatewayNode({
      privateKey: ib.privateKey,
      listen: ['/ip4/127.0.0.1/tcp/0'],
      mdns: false,
      dht: false,
    });
    try {
      await expect(
        b.services.ping.ping(a.getMultiaddrs(), { signal: AbortSignal.timeout(5000) }),
      ).rejects.toThrow();
      banned.clear();
      await expect(
        b.services.ping.ping(a.getMultiaddrs(), { signal: AbortSignal.timeout(5000) }),
      ).resolves.toBeGreaterThanOrEqual(0);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});

describe('region DHT', () => {
  it('holds no records for other peers: PUT_VALUE is refused, provider records go at the next sweep', async () => {
    const [ia, ib] = await Promise.all([generateIdentity(), generateIdentity()]);
    const node = (privateKey: typeof ia.privateKey) =>
      createGatewayNode({ privateKey, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false, relay: 'off' });
    const [a, b] = await Promise.all([node(ia.privateKey), node(ib.privateKey)]);
    const dht = b.services.dht!;
    const signal = AbortSignal.timeout(15_000);
    /** The answers a gave to a query of b's. */
    const fromA = async (events: AsyncIterable<QueryEvent>) => {
      const seen: QueryEvent[] = [];
      for await (const e of events) if ('from' in e && e.from.equals(a.peerId)) seen.push(e);
      return seen;
    };
    try {
      await b.dial(a.getMultiaddrs());
      // A public key record: the one kind kad-dht stores by default.
      const { publicKey } = peerIdFromPrivateKey(await generateKeyPair('Ed25519'));
      const pk = new Uint8Array([...new TextEncoder().encode('/pk/'), ...publicKey!.toMultihash().bytes]);
      const put = await fromA(dht.put(pk, publicKeyToProtobuf(publicKey!), { signal }));
      expect(put.map((e) => e.name)).toContain('QUERY_ERROR');
      expect(put.some((e) => e.name === 'PEER_RESPONSE' && e.messageName === 'PUT_VALUE')).toBe(false);

      // A provider key is a CID with a real hash: an RSA key's (an Ed25519 key's inlines the key).
      const cid = (await generateKeyPair('RSA', 2048)).publicKey.toCID();
      const providersAtA = async () =>
        (await fromA(dht.findProviders(cid, { signal }))).some(
          (e) => e.name === 'PEER_RESPONSE' && e.providers.length > 0,
        );
      // b's ADD_PROVIDER reaches a between two sweeps (at most a few tries).
      let held = false;
      for (let i = 0; i < 3 && !held; i++) {
        await fromA(dht.provide(cid, { signal }));
        held = await providersAtA();
      }
      expect(held).toBe(true);
      await dht.cancelReprovide(cid); // b would otherwise provide again at each of its own sweeps
      const deadline = Date.now() + 2 * PROVIDER_SWEEP_MS + 500;
      while (held && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        held = await providersAtA();
      }
      expect(held).toBe(false);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});

describe('addresses into this box', () => {
  it('are not dialled by a node that has other addresses, unless the operator named them as bootstrap peers', async () => {
    const ids = await Promise.all([generateIdentity(), generateIdentity(), generateIdentity()]);
    const local = await createGatewayNode({
      privateKey: ids[0].privateKey,
      listen: ['/ip4/127.0.0.1/tcp/0'],
      mdns: false,
    });
    const here = local.getMultiaddrs();
    // Listening on loopback, but reached at the address it announces: as a gateway on a LAN is.
    const onLan = (privateKey: (typeof ids)[0]['privateKey'], bootstrap?: string[]) =>
      createGatewayNode({
        privateKey,
        listen: ['/ip4/127.0.0.1/tcp/0'],
        announce: ['/ip4/192.0.2.7/tcp/4001'],
        bootstrap,
        mdns: false,
        dht: false,
      });
    const a = await onLan(ids[1].privateKey);
    const b = await onLan(
      ids[2].privateKey,
      here.map((m) => m.toString()),
    );
    try {
      // What a peer's DHT answer or identify record could name: refused before any packet.
      await expect(a.dial(here, { signal: AbortSignal.timeout(5000) })).rejects.toThrow(/denied/);
      await b.dial(here, { signal: AbortSignal.timeout(5000) });
      expect(b.getConnections(local.peerId)).not.toHaveLength(0);
    } finally {
      await Promise.all([local.stop(), a.stop(), b.stop()]);
    }
  });
});

describe('connection caps', () => {
  it('holds no more connections from one peer than its share, and still takes other peers', async () => {
    const [ia, ib, ic] = await Promise.all([generateIdentity(), generateIdentity(), generateIdentity()]);
    const node = (privateKey: typeof ia.privateKey) =>
      createGatewayNode({ privateKey, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false, dht: false });
    const [a, b, c] = await Promise.all([node(ia.privateKey), node(ib.privateKey), node(ic.privateKey)]);
    try {
      // b dials again and again, asking each time for a connection of its own, slower than the rate
      // of new connections one host may open (all of these come from 127.0.0.1).
      for (let i = 0; i < 2 * SMALL_BOX_POLICY.maxConnectionsPerPeer; i++) {
        await b.dial(a.getMultiaddrs(), { force: true, signal: AbortSignal.timeout(5000) }).catch(() => {});
        await new Promise((r) => setTimeout(r, 250));
      }
      await new Promise((r) => setTimeout(r, 1000));
      expect(a.getConnections(b.peerId).length).toBeLessThanOrEqual(SMALL_BOX_POLICY.maxConnectionsPerPeer);
      expect(a.getConnections(b.peerId).length).toBeGreaterThan(0);
      await expect(
        c.services.ping.ping(a.getMultiaddrs(), { signal: AbortSignal.timeout(5000) }),
      ).resolves.toBeGreaterThanOrEqual(0);
    } finally {
      await Promise.all([a.stop(), b.stop(), c.stop()]);
    }
  });

  it('refuses a host past its share before the handshake, loopback and relayed connections aside', () => {
    const held: { remotePeer: PeerId; remoteAddr: Multiaddr; direction: 'inbound' | 'outbound' }[] = [];
    const gater = gaterFor({ isBanned: () => false }, { connections: () => held, perPeer: 4, perHost: 2 });
    const from = (addr: string) => ({ remoteAddr: multiaddr(addr) }) as never;
    const somePeer = peerIdFromString('12D3KooWGRUVh2N6ZJyY8n3hjcrjdZfcaq9ScZqJS7yCWfAajgF6');
    for (const addr of ['/ip4/192.0.2.7/tcp/1', '/ip4/192.0.2.7/tcp/2'])
      held.push({ remotePeer: somePeer, remoteAddr: multiaddr(addr), direction: 'inbound' });
    expect(gater.denyInboundConnection?.(from('/ip4/192.0.2.7/tcp/3'))).toBe(true);
    expect(gater.denyInboundConnection?.(from('/ip4/192.0.2.8/tcp/3'))).toBe(false);
    expect(gater.denyInboundConnection?.(from('/ip4/127.0.0.1/tcp/3'))).toBe(false);
    // Our own dials to that host do not count against it.
    held[0].direction = 'outbound';
    expect(gater.denyInboundConnection?.(from('/ip4/192.0.2.7/tcp/3'))).toBe(false);
  });
});

describe('bootstrap peers', () => {
  it('are dialled again until they answer: a gateway that boots before its bootstrap peer still finds it', async () => {
    const [ia, ib] = await Promise.all([generateIdentity(), generateIdentity()]);
    // Learn a free port, then leave it unused until the bootstrap peer starts.
    const probe = await createGatewayNode({
      privateKey: ia.privateKey,
      listen: ['/ip4/127.0.0.1/tcp/0'],
      mdns: false,
      dht: false,
    });
    const port = probe
      .getMultiaddrs()[0]
      .getComponents()
      .find((c) => c.name === 'tcp')?.value;
    await probe.stop();
    const bootstrapAddr = `/ip4/127.0.0.1/tcp/${port}/p2p/${ia.peerId}`;
    const early = await createGatewayNode({
      privateKey: ib.privateKey,
      listen: ['/ip4/127.0.0.1/tcp/0'],
      mdns: false,
      dht: false,
      bootstrap: [bootstrapAddr],
      bootstrapRedialMs: 200,
    });
    let late: Awaited<ReturnType<typeof createGatewayNode>> | null = null;
    try {
      // Let the bootstrap module's own single attempt fail.
      await new Promise((r) => setTimeout(r, 1500));
      expect(early.getConnections()).toHaveLength(0);
      late = await createGatewayNode({
        privateKey: ia.privateKey,
        listen: [`/ip4/127.0.0.1/tcp/${port}`],
        mdns: false,
        dht: false,
      });
      const deadline = Date.now() + 10_000;
      while (!early.getConnections().some((c) => c.remotePeer.toString() === ia.peerId)) {
        if (Date.now() > deadline) throw new Error('the bootstrap peer was not redialled');
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await Promise.all([early.stop(), late?.stop()]);
    }
  });
});
