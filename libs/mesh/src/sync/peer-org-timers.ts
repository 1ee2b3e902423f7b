/** Sync keeps some state per (peer, organisation): pulls running, retries and grounds waiting. */
export const peerOrgKey = (peer: string, org: string): string => `${peer}\0${org}`;

/** Drops the entries of `peer` (of every peer when left out), stopping their timers. */
export function dropTimers(entries: Map<string, { timer: NodeJS.Timeout | null }>, peer?: string): void {
  for (const [key, entry] of entries) {
    if (peer !== undefined && !key.startsWith(peerOrgKey(peer, ''))) continue;
    if (entry.timer) clearTimeout(entry.timer);
    entries.delete(key);
  }
}
