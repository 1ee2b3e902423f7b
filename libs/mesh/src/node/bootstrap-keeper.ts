/**
 * Keeps configured bootstrap peers connected. libp2p's bootstrap module dials
 * them once, shortly after start: a box that boots before its neighbour (a
 * power cut ends for the whole village at once) would never reach it. This
 * redials every bootstrap peer that is not connected, on an interval, for as
 * long as the node runs.
 */
import type { Libp2p } from '@libp2p/interface';
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr';

export const BOOTSTRAP_REDIAL_MS = 15_000;

/** The bootstrap addresses that name their peer (`…/p2p/<id>`), by peer id. */
function byPeer(addrs: readonly string[]): Map<string, Multiaddr> {
  const out = new Map<string, Multiaddr>();
  for (const a of addrs) {
    try {
      const ma = multiaddr(a);
      const peer = ma.getComponents().find((c) => c.name === 'p2p')?.value;
      if (peer) out.set(peer, ma);
    } catch {
      // A malformed address is refused when the settings are read; nothing to dial here.
    }
  }
  return out;
}

export function keepBootstrapPeers(
  node: Pick<Libp2p, 'status' | 'getConnections' | 'dial' | 'peerId' | 'addEventListener'>,
  addrs: readonly string[],
  options: { intervalMs?: number; dialTimeoutMs: number },
): void {
  const peers = byPeer(addrs);
  peers.delete(node.peerId.toString());
  if (!peers.size) return;
  let timer: ReturnType<typeof setInterval> | undefined;
  const redial = () => {
    if (node.status !== 'started') return;
    const connected = new Set(node.getConnections().map((c) => c.remotePeer.toString()));
    for (const [peer, addr] of peers) {
      if (connected.has(peer)) continue;
      node.dial(addr, { signal: AbortSignal.timeout(options.dialTimeoutMs) }).catch(() => {});
    }
  };
  const start = () => {
    clearInterval(timer);
    timer = setInterval(redial, options.intervalMs ?? BOOTSTRAP_REDIAL_MS);
    timer.unref?.();
  };
  node.addEventListener('start', start);
  node.addEventListener('stop', () => clearInterval(timer));
  if (node.status === 'started') start();
}
