import { dropTimers, peerOrgKey } from './peer-org-timers.js';

/**
 * A pull that failed (a dropped stream, a timeout, a store error) is tried
 * again after a short, growing delay instead of waiting for the next
 * announcement or the periodic resync, which may be a minute away or off.
 */
export class PullRetries {
  private readonly failing = new Map<string, { failures: number; timer: NodeJS.Timeout | null }>();

  constructor(
    private readonly options: {
      /** Delay after the first failure; doubles with each further one. */
      readonly baseMs: number;
      readonly maxMs: number;
      readonly retry: (peer: string, org: string) => void;
    },
  ) {}

  /** Records how a pull of `org` from `peer` ended: a success forgets earlier failures. */
  settle(peer: string, org: string, failed: boolean): void {
    const key = peerOrgKey(peer, org);
    const entry = this.failing.get(key);
    if (entry?.timer) clearTimeout(entry.timer);
    if (!failed) {
      this.failing.delete(key);
      return;
    }
    const failures = (entry?.failures ?? 0) + 1;
    const delay = Math.min(this.options.baseMs * 2 ** (failures - 1), this.options.maxMs);
    const next: { failures: number; timer: NodeJS.Timeout | null } = { failures, timer: null };
    // Jitter, so that peers failing together do not retry in step.
    next.timer = setTimeout(
      () => {
        next.timer = null;
        this.options.retry(peer, org);
      },
      delay * (0.75 + Math.random() / 2),
    );
    next.timer.unref();
    this.failing.set(key, next);
  }

  /** A peer that went away: its connection's return starts a pull anyway. */
  forgetPeer(peer: string): void {
    dropTimers(this.failing, peer);
  }

  clear(): void {
    dropTimers(this.failing);
  }
}
