import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { generateIdentity } from '../identity/gateway-identity.js';
import { SMALL_BOX_POLICY } from './connection-policy.js';
import { createGatewayNode } from './gateway-node.js';

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
