/**
 * Keeps wanted peers connected by redialling, on an interval, each one that
 * is not connected, for as long as the node runs. libp2p alone does not:
 * its bootstrap module dials once, shortly after start (a box that boots
 * before its neighbour, as when a power cut ends for the whole village at
 * once, would never reach it), and its reconnect queue redials a dropped
 * keep-alive peer for about a minute, then gives up (an uplink may be down
 * for hours).
 */
import type { Libp2p } from '@libp2p/interface';
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr';

export const REDIAL_MS = 15_000;

type KeeperNode = Pick<
  Libp2p,
  'status' | 'getConnections' | 'dial' | 'peerId' | 'addEventListener' | 'removeEventListener'
>;

/** Peer id -> where to dial it (addresses ending in `/p2p/<peer id>`). */
export type WantedPeers = ReadonlyMap<string, Multiaddr[]>;

/**
 * Every `intervalMs` while the node runs, dials each peer `wanted` names that
 * is not connected. Returns a function that stops it.
 */
export function keepPeersConnected(
  node: KeeperNode,
  wanted: () => WantedPeers | Promise<WantedPeers>,
  options: { intervalMs?: number; dialTimeoutMs: number },
): () => void {
  let timer: ReturnType<typeof setInterval> | undefined;
  let busy = false;
  const redial = async () => {
    const peers = await wanted();
    // Checked after the wait: the node may have stopped meanwhile.
    if (node.status !== 'started') return;
    const connected = new Set(node.getConnections().map((c) => c.remotePeer.toString()));
    for (const [peer, addrs] of peers) {
      if (connected.has(peer) || peer === node.peerId.toString() || !addrs.length) continue;
      node.dial(addrs, { signal: AbortSignal.timeout(options.dialTimeoutMs) }).catch(() => {});
    }
  };
  const tick = () => {
    // A slow `wanted` (a busy database) skips ticks instead of piling them up.
    if (busy || node.status !== 'started') return;
    busy = true;
    redial()
      .catch(() => {})
      .finally(() => {
        busy = false;
      });
  };
  const pause = () => clearInterval(timer);
  const start = () => {
    pause();
    timer = setInterval(tick, options.intervalMs ?? REDIAL_MS);
    timer.unref?.();
  };
  node.addEventListener('start', start);
  node.addEventListener('stop', pause);
  if (node.status === 'started') start();
  return () => {
    pause();
    node.removeEventListener('start', start);
    node.removeEventListener('stop', pause);
  };
}

/** The bootstrap addresses that name their peer (`…/p2p/<id>`), by peer id. */
function byPeer(addrs: readonly string[]): Map<string, Multiaddr[]> {
  const out = new Map<string, Multiaddr[]>();
  for (const a of addrs) {
    try {
      const ma = multiaddr(a);
      const peer = ma.getComponents().find((c) => c.name === 'p2p')?.value;
      if (peer) out.set(peer, [...(out.get(peer) ?? []), ma]);
    } catch {
      // A malformed address is refused when the settings are read; nothing to dial here.
    }
  }
  return out;
}

/** Keeps the configured bootstrap peers connected. */
export function keepBootstrapPeers(
  node: KeeperNode,
  addrs: readonly string[],
  options: { intervalMs?: number; dialTimeoutMs: number },
): void {
  const peers = byPeer(addrs);
  if (peers.size) keepPeersConnected(node, () => peers, options);
}
