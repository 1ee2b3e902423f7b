/**
 * Peers that refused our `have` for an organisation: they do not host it, or
 * their log does not admit us (yet). Announcing every commit to them again
 * would cost a stream each and change nothing until their log does, so they
 * hear from us again after a quiet spell, after a pull from them succeeds
 * (they now serve us the organisation), or once they reconnect.
 */
import type { SyncErrorCode } from './messages.js';
import { dropPeer, peerOrgKey } from './peer-org-timers.js';

/** The refusals that say the peer's log, not the moment, stands in the way. */
const LASTING: ReadonlySet<SyncErrorCode> = new Set(['unknown-org', 'not-admitted']);

export class AnnounceRefusals {
  /** (peer, org) -> when it may be announced to again (ms, `now`'s clock). */
  private readonly quietUntil = new Map<string, number>();

  constructor(
    private readonly quietMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Notes how `peer` answered a `have` for `org`; only lasting refusals quiet it. */
  refused(peer: string, org: string, code: SyncErrorCode): void {
    if (LASTING.has(code)) this.quietUntil.set(peerOrgKey(peer, org), this.now() + this.quietMs);
  }

  mayAnnounce(peer: string, org: string): boolean {
    const key = peerOrgKey(peer, org);
    const until = this.quietUntil.get(key);
    if (until === undefined) return true;
    if (this.now() < until) return false;
    this.quietUntil.delete(key);
    return true;
  }

  /** `peer` served us `org`: it hosts it and admits us now. */
  served(peer: string, org: string): void {
    this.quietUntil.delete(peerOrgKey(peer, org));
  }

  /** Forgets `peer` (it disconnected), or every peer when left out. */
  forgetPeer(peer?: string): void {
    dropPeer(this.quietUntil, peer);
  }
}
