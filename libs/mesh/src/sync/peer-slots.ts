/**
 * At most `max` pulls from one peer at a time, the rest waiting their turn in
 * order: a server serves a peer no more at once (MAX_SERVED_PULLS_PER_PEER)
 * and answers the others `busy`, which would send them into backoff.
 */
export class PeerSlots {
  private readonly peers = new Map<string, { running: number; queue: (() => void)[] }>();

  constructor(private readonly max: number) {}

  /** Resolves with a release function once a slot for `peer` is free. */
  async acquire(peer: string): Promise<() => void> {
    let entry = this.peers.get(peer);
    if (!entry) {
      entry = { running: 0, queue: [] };
      this.peers.set(peer, entry);
    }
    if (entry.running >= this.max) await new Promise<void>((resolve) => entry.queue.push(resolve));
    else entry.running += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = entry.queue.shift();
      // The slot passes straight to the next in line, so it keeps its place.
      if (next) next();
      else if (--entry.running === 0) this.peers.delete(peer);
    };
  }
}
