import { dropTimers, peerOrgKey } from './peer-org-timers.js';

/**
 * Which peers to pull from again when this gateway commits ops of an
 * organisation, because those ops may be the grounds a pull lacked:
 *  - a peer connected while it might not replicate the organisation with us
 *    (its admission not held yet) was never pulled from; an admission that
 *    arrives later, from anyone, lets it be;
 *  - a pull whose ops were refused without fault of the sender (their
 *    author's admission or their actor's role not held yet) may succeed once
 *    those grounds arrive, whichever peer they come from.
 * Otherwise either would wait for that peer's next announcement, which comes
 * only when it writes, or the periodic resync. Ops that wait for ever (forged,
 * or grounds that never come) are asked for less and less often: the least
 * delay between two such pulls doubles with each one that still refuses, up
 * to `maxMs`.
 */
interface LastPull {
  /** Pulls in a row that refused ops for want of grounds. */
  misses: number;
  /** No pull for grounds before this time. */
  notBefore: number;
  timer: NodeJS.Timeout | null;
}

export class GroundsWatch {
  /** Commits per organisation so far, to tell whether one happened while a pull ran. */
  private readonly commits = new Map<string, number>();
  /** Per (peer, organisation) pulled from since the peer connected: how its last pull ended. */
  private readonly pulled = new Map<string, LastPull>();

  constructor(
    private readonly options: {
      /** Least delay after the first pull that still refused; doubles with each further one. */
      readonly baseMs: number;
      readonly maxMs: number;
      readonly retry: (peer: string, org: string) => void;
    },
  ) {}

  /** Taken as a pull starts, and handed back to `settle`. */
  mark(org: string): number {
    return this.commits.get(org) ?? 0;
  }

  committed(orgs: readonly string[]): void {
    for (const org of orgs) this.commits.set(org, this.mark(org) + 1);
  }

  /**
   * A pull of `org` from `peer`, started at `mark`, ran to its end; `waiting`
   * ops of it were refused for want of grounds.
   */
  settle(peer: string, org: string, waiting: number, mark: number): void {
    const key = peerOrgKey(peer, org);
    const before = this.pulled.get(key);
    if (before?.timer) clearTimeout(before.timer);
    const misses = waiting ? (before?.misses ?? 0) + 1 : 0;
    // Jitter, so that gateways refusing the same ops do not ask for them in step.
    const delay = misses
      ? Math.min(this.options.baseMs * 2 ** (misses - 1), this.options.maxMs) * (0.75 + Math.random() / 2)
      : 0;
    const entry: LastPull = { misses, notBefore: Date.now() + delay, timer: null };
    this.pulled.set(key, entry);
    // Grounds committed while the pull ran may have come too late for it.
    if (misses && this.mark(org) !== mark) this.schedule(peer, org, entry);
  }

  /**
   * A pull of `org` from `peer` failed or was refused (PullRetries tries it
   * again): it says nothing of grounds, so the delay stands. Only a peer never
   * pulled from is marked as pulled, so that commits do not each try it again.
   */
  failed(peer: string, org: string): void {
    const key = peerOrgKey(peer, org);
    const entry = this.pulled.get(key);
    if (entry?.timer) clearTimeout(entry.timer);
    if (entry) entry.timer = null;
    else this.pulled.set(key, { misses: 0, notBefore: 0, timer: null });
  }

  /**
   * Ops of `org` were committed here, and `peer` may replicate it: whether to
   * pull from it now. When its last pull refused ops too recently, a pull is
   * scheduled for later instead.
   */
  wants(peer: string, org: string): boolean {
    const entry = this.pulled.get(peerOrgKey(peer, org));
    if (!entry) return true;
    if (!entry.misses) return false;
    if (Date.now() >= entry.notBefore) return true;
    this.schedule(peer, org, entry);
    return false;
  }

  private schedule(peer: string, org: string, entry: LastPull): void {
    if (entry.timer) return;
    entry.timer = setTimeout(
      () => {
        entry.timer = null;
        this.options.retry(peer, org);
      },
      Math.max(0, entry.notBefore - Date.now()),
    );
    entry.timer.unref();
  }

  /** A peer that went away is pulled from in full when it connects again. */
  forgetPeer(peer: string): void {
    dropTimers(this.pulled, peer);
  }

  clear(): void {
    dropTimers(this.pulled);
  }
}
