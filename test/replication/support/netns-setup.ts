/**
 * The replication suite's gateways, talking through Linux network
 * namespaces: each gateway's traffic leaves this process by its host's
 * management link, crosses the shared bridge between namespaces, and comes
 * back by the other host's management link. Forwarders inside each
 * namespace carry the connections (the libp2p nodes stay in this process,
 * where the suite reads their stores). Disconnecting two gateways drops
 * their packets in the kernel (a route to nowhere); nothing else changes.
 *
 *   node a ─▶ ns a: egress :7100+b ─▶ bridge ─▶ ns b: ingress :7000 ─▶ node b
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { multiaddr } from '@multiformats/multiaddr';
import { SYNC_PROTOCOL } from '../../../libs/mesh/src/sync/constants.js';
import type { SuiteNetwork, SuiteOptions } from '../../../libs/mesh/src/testing/replication-suite.js';
import {
  connectPeers,
  disconnectPeers,
  type Libp2pSuitePeer,
  startLibp2pPeer,
} from '../../../libs/mesh/src/testing/setups.js';
import { TestNetwork } from '../../support/netns.js';

const FORWARDER = fileURLToPath(new URL('../../support/tcp-forwarder.mjs', import.meta.url));
const INGRESS_PORT = 7000;
const egressPort = (to: number) => 7100 + to;

async function startForwarder(net: TestNetwork, host: number, routes: unknown[]): Promise<ChildProcess> {
  const child = net.spawn(host, process.execPath, [FORWARDER, JSON.stringify(routes)]);
  const failed = (why: string) => [Buffer.from(why)];
  const [line] = (await Promise.race([
    once(child.stdout!, 'data'),
    once(child, 'exit').then(() => failed('exited')),
    once(child, 'error').then(([err]) => failed(String(err))),
    new Promise((r) => setTimeout(r, 10_000)).then(() => failed('timed out')),
  ])) as Buffer[];
  if (line.toString().trim() !== 'ready') {
    child.kill();
    throw new Error(`forwarder in host ${host} did not start: ${line}`);
  }
  return child;
}

export async function netnsSetup(options: SuiteOptions): Promise<SuiteNetwork> {
  const net = TestNetwork.create(options.peers);
  const started: Libp2pSuitePeer[] = [];
  const forwarders: ChildProcess[] = [];
  const close = async () => {
    await Promise.all(started.map((s) => s.node.stop()));
    for (const f of forwarders) f.kill();
    net.destroy();
  };
  try {
    for (const host of net.hosts)
      started.push(
        await startLibp2pPeer(options, {
          listen: [`/ip4/${host.localAddress}/tcp/0`],
          relay: 'off',
          // Only through this host's namespace: never straight to another node's listener here.
          refusesAddress: (addr) => !addr.startsWith(`/ip4/${host.managementAddress}/`),
        }),
      );
    for (const [i, host] of net.hosts.entries()) {
      const port = Number(started[i].node.getMultiaddrs()[0].toString().split('/')[4]);
      const routes = [{ listen: [host.dataAddress, INGRESS_PORT], to: [host.localAddress, port] }];
      for (const [j, other] of net.hosts.entries())
        if (j !== i)
          routes.push({
            listen: [host.managementAddress, egressPort(j)],
            to: [other.dataAddress, INGRESS_PORT],
          });
      forwarders.push(await startForwarder(net, i, routes));
    }
  } catch (err) {
    await close();
    throw err;
  }
  const nodes = started.map((s) => s.node);
  const route = (from: number, to: number) =>
    multiaddr(`/ip4/${net.hosts[from].managementAddress}/tcp/${egressPort(to)}/p2p/${nodes[to].peerId}`);
  // Both ends of every connection between a and b see their own namespace's forwarder as the remote end.
  const throughNamespaces = (a: number, b: number) =>
    [
      [a, b],
      [b, a],
    ].every(([x, y]) =>
      nodes[x]
        .getConnections(nodes[y].peerId)
        .every((c) => c.remoteAddr.toString().startsWith(`/ip4/${net.hosts[x].managementAddress}/`)),
    );
  return {
    peers: started.map((s) => s.peer),
    connect: async (a, b) => {
      net.rejoin(a, b);
      await connectPeers(started, a, b, route(a, b));
      if (!throughNamespaces(a, b)) throw new Error('the gateways found a path around the namespaces');
    },
    disconnect: async (a, b) => {
      net.separate(a, b);
      await disconnectPeers(started, a, b);
    },
    rawStream: (from, to) =>
      nodes[from].dialProtocol(route(from, to), SYNC_PROTOCOL, { signal: AbortSignal.timeout(5000) }),
    close,
  };
}
