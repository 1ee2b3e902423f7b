/** Sync keeps some state per (peer, organisation): pulls running, retries and grounds waiting. */
export const peerOrgKey = (peer: string, org: string): string => `${peer}\0${org}`;

/** Drops the entries of `peer` (of every peer when left out); returns them. */
export function dropPeer<T>(entries: Map<string, T>, peer?: string): T[] {
  const dropped: T[] = [];
  for (const [key, entry] of entries) {
    if (peer !== undefined && !key.startsWith(peerOrgKey(peer, ''))) continue;
    dropped.push(entry);
    entries.delete(key);
  }
  return dropped;
}

/** Drops the entries of `peer` (of every peer when left out), stopping their timers. */
export function dropTimers(entries: Map<string, { timer: NodeJS.Timeout | null }>, peer?: string): void {
  for (const entry of dropPeer(entries, peer)) if (entry.timer) clearTimeout(entry.timer);
}
