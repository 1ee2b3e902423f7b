import type { ComponentLogger, PeerId } from '@libp2p/interface';
import type { ConnectionManager, Registrar } from '@libp2p/interface-internal';
import type { Multiaddr } from '@multiformats/multiaddr';
import type { OpStore } from './op-store.js';
import type { Offence, PeerScores } from './peer-scores.js';
import type { PullResult } from './pull.js';
import type { SyncState } from './sync-state.js';

export interface SyncInit {
  /** The organisation logs this gateway holds. */
  readonly store: OpStore;
  /** Shared with the node's connection gater so banned peers cannot reconnect. */
  readonly scores?: PeerScores;
  /** Pull everything from every peer this often, in case an announcement was lost (0: never). */
  readonly resyncIntervalMs?: number;
  /** Local commits are announced to peers after this delay, coalesced. */
  readonly announceDelayMs?: number;
  /** A failed pull is tried again after this delay, doubling with each failure up to the resync interval. */
  readonly retryBaseMs?: number;
  /** Batches a server may send ahead of our acknowledgements. */
  readonly window?: number;
  /** Most ops per batch we send. */
  readonly batchOps?: number;
  /** A batch we send closes once its bytes pass this. */
  readonly batchBytes?: number;
}

export interface SyncComponents {
  readonly registrar: Registrar;
  readonly connectionManager: ConnectionManager;
  readonly logger: ComponentLogger;
}

export type SyncEvent =
  | {
      readonly type: 'pulled';
      readonly peer: string;
      readonly org: string;
      readonly result: PullResult;
      readonly ms: number;
    }
  | {
      readonly type: 'pull-failed';
      readonly peer: string;
      readonly org: string;
      readonly error: Error;
      /** Ops the pull applied before it failed (they stay: each batch commits on its own). */
      readonly applied: number;
    }
  | {
      readonly type: 'penalty';
      readonly peer: string;
      readonly offence: Offence;
      readonly detail: string;
      readonly banned: boolean;
    };

export interface SyncService {
  readonly protocol: string;
  readonly scores: PeerScores;
  /** Peers connected with the sync protocol. */
  connectedPeers(): string[];
  /** Sync state per (peer, organisation). */
  syncStates(filter?: { peer?: string; org?: string }): SyncState[];
  /** Forgets the states of pairs that no longer replicate (done at each resync tick). */
  forgetStale(): Promise<void>;
  /** One pull now; throws if it fails. */
  pull(peer: string, org: string): Promise<PullResult>;
  /** Schedules a pull (coalesced with one running); resolves when it has run. */
  requestPull(peer: string, org: string): Promise<void>;
  /** Pulls every organisation the peer may replicate. */
  syncPeer(peer: string): Promise<void>;
  syncAll(): Promise<void>;
  /** Announces our version vectors of these organisations to connected peers. */
  announce(orgs: readonly string[]): Promise<void>;
  join(
    target: PeerId | Multiaddr[],
    request: { org: string; invite: string; secret: string },
  ): Promise<PeerId>;
  whenIdle(): Promise<void>;
  observe(listener: (event: SyncEvent) => void): () => void;
}
