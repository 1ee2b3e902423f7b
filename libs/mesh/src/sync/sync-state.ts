/**
 * What we know about syncing each organisation with each peer: when it last
 * worked, what it moved, and how far apart the two logs were at its end.
 */
import type { VersionVector } from '../oplog/version-vector.js';
import { peerOrgKey } from './peer-org-timers.js';

export type SyncStatus = 'idle' | 'pulling' | 'error';

export interface SyncState {
  readonly peer: string;
  readonly org: string;
  readonly status: SyncStatus;
  /** Last pull that reached its end (ms since epoch). */
  readonly lastSuccessAt: number | null;
  readonly lastAttemptAt: number | null;
  readonly lastError: string | null;
  /** Ops the peer held that we did not, after the last pull (refused ops stay counted). */
  readonly behind: number;
  /** Ops we held that the peer did not, at the end of the last pull. */
  readonly ahead: number;
  readonly opsReceived: number;
  readonly opsSent: number;
  readonly bytesReceived: number;
  readonly bytesSent: number;
  /** Duration of the last pull. */
  readonly lastPullMs: number | null;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function vectorDistance(from: VersionVector, to: VersionVector): number {
  let n = 0;
  for (const [author, seq] of Object.entries(to)) n += Math.max(0, seq - (from[author] ?? 0));
  // A peer's vector is its own claim, up to 2^53 a seq: what we report of it stays a GraphQL Int.
  return Math.min(n, MAX_DISTANCE);
}

const MAX_DISTANCE = 2 ** 31 - 1;

export class SyncStates {
  private readonly states = new Map<string, Mutable<SyncState>>();

  get(peer: string, org: string): Mutable<SyncState> {
    const key = peerOrgKey(peer, org);
    let s = this.states.get(key);
    if (!s) {
      s = {
        peer,
        org,
        status: 'idle',
        lastSuccessAt: null,
        lastAttemptAt: null,
        lastError: null,
        behind: 0,
        ahead: 0,
        opsReceived: 0,
        opsSent: 0,
        bytesReceived: 0,
        bytesSent: 0,
        lastPullMs: null,
      };
      this.states.set(key, s);
    }
    return s;
  }

  list(filter: { peer?: string; org?: string } = {}): SyncState[] {
    return [...this.states.values()]
      .filter((s) => (!filter.peer || s.peer === filter.peer) && (!filter.org || s.org === filter.org))
      .map((s) => ({ ...s }));
  }

  forget(peer: string, org: string): void {
    this.states.delete(peerOrgKey(peer, org));
  }
}
