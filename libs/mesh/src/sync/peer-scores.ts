/**
 * Peer scoring: every bad message costs the sending peer points; past a
 * threshold the peer is banned for a while (its connections are closed and
 * refused). Scores recover with time, so an honest peer that tripped once
 * (a version skew, a race) is not shut out for good.
 */
import type { PeerGate } from '../node/peer-gate.js';

export const PENALTIES = {
  malformed: 20,
  'too-large': 25,
  forged: 50,
  replay: 10,
  'not-admitted': 5,
  'unknown-org': 1,
  'invalid-invite': 10,
  timeout: 2,
} as const;
export type Offence = keyof typeof PENALTIES;

export interface ScoringPolicy {
  /** Penalty points at which a peer is banned. */
  readonly banThreshold: number;
  readonly banMs: number;
  /** Points forgiven per minute. */
  readonly recoveryPerMinute: number;
}

export const DEFAULT_SCORING: ScoringPolicy = {
  banThreshold: 100,
  banMs: 10 * 60_000,
  recoveryPerMinute: 10,
};

interface Entry {
  points: number;
  at: number;
  bannedUntil: number;
  offences: Partial<Record<Offence, number>>;
  /** Refusals already charged (see `penalise`'s `repeatOf`): key -> when. */
  charged?: Map<string, number>;
}

/** Peers scored at most; past it, those not banned are forgotten, oldest first. */
const PEERS_KEPT = 10_000;

/** Refusals remembered per peer as charged; the oldest is forgotten first. */
const CHARGED_KEPT = 64;

export interface PeerScore {
  readonly peer: string;
  readonly points: number;
  readonly bannedUntil: number | null;
  readonly offences: Partial<Record<Offence, number>>;
}

export class PeerScores implements PeerGate {
  private readonly entries = new Map<string, Entry>();
  private readonly policy: ScoringPolicy;

  constructor(
    policy: Partial<ScoringPolicy> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.policy = { ...DEFAULT_SCORING, ...policy };
  }

  private entry(peer: string): Entry {
    const now = this.now();
    let e = this.entries.get(peer);
    if (!e) {
      e = { points: 0, at: now, bannedUntil: 0, offences: {} };
      if (this.entries.size >= PEERS_KEPT) this.prune();
      this.entries.set(peer, e);
    }
    const recovered = ((now - e.at) / 60_000) * this.policy.recoveryPerMinute;
    e.points = Math.max(0, e.points - recovered);
    e.at = now;
    return e;
  }

  /**
   * Records an offence; returns true when it (newly) bans the peer. With
   * `repeatOf`, the same refusal (offence and key, an organisation say) is
   * charged once per ban period: asked again it is no new evidence, since a
   * peer whose log lags ours asks again on every resync and announcement.
   */
  penalise(peer: string, offence: Offence, repeatOf?: string): boolean {
    const e = this.entry(peer);
    if (repeatOf !== undefined) {
      const key = `${offence}\0${repeatOf}`;
      e.charged ??= new Map();
      const charged = e.charged;
      if ((charged.get(key) ?? -Infinity) > this.now() - this.policy.banMs) return false;
      charged.delete(key);
      charged.set(key, this.now());
      if (charged.size > CHARGED_KEPT) charged.delete(charged.keys().next().value as string);
    }
    e.points += PENALTIES[offence];
    e.offences[offence] = (e.offences[offence] ?? 0) + 1;
    if (e.points >= this.policy.banThreshold && e.bannedUntil <= this.now()) {
      e.bannedUntil = this.now() + this.policy.banMs;
      // A ban wipes the slate: after it the peer starts over, not one offence from another ban.
      e.points = 0;
      return true;
    }
    return false;
  }

  isBanned(peer: string): boolean {
    const e = this.entries.get(peer);
    return !!e && e.bannedUntil > this.now();
  }

  score(peer: string): PeerScore {
    const e = this.entry(peer);
    return {
      peer,
      points: Math.round(e.points),
      bannedUntil: e.bannedUntil > this.now() ? e.bannedUntil : null,
      offences: { ...e.offences },
    };
  }

  all(): PeerScore[] {
    return [...this.entries.keys()].map((peer) => this.score(peer));
  }

  /**
   * Forgets peers with nothing against them; if that is not enough (fresh keys
   * are free, and each may collect some points), the oldest not banned, down to
   * nine tenths of the bound, so that pruning stays rare.
   */
  private prune(): void {
    const now = this.now();
    for (const [peer, e] of this.entries) if (e.bannedUntil <= now && e.points < 1) this.entries.delete(peer);
    for (const [peer, e] of this.entries) {
      if (this.entries.size < PEERS_KEPT * 0.9) break;
      if (e.bannedUntil <= now) this.entries.delete(peer);
    }
  }
}
