/**
 * The sync service: serves the sync protocol, and pulls each hosted
 * organisation from each connected peer that may replicate it
 *  - when the peer connects,
 *  - when the peer announces ops we lack (`have`), which it does within
 *    `announceDelayMs` of committing them,
 *  - every `resyncIntervalMs`, as a safety net,
 *  - after a failed pull, again within `retryBaseMs` (backing off),
 *  - when we commit ops of the organisation that may be grounds its last
 *    pull lacked (see GroundsWatch).
 * At most one pull per (peer, organisation) runs at a time; a trigger during
 * a pull runs it once more afterwards. At most MAX_SERVED_PULLS_PER_PEER
 * pulls from one peer run at once, as many as it serves; the rest queue.
 */
import type { Connection, Logger, PeerId, Startable, Stream } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import type { Multiaddr } from '@multiformats/multiaddr';
import { AnnounceRefusals } from './announce-refusals.js';
import {
  MAX_INBOUND_STREAMS,
  MAX_OUTBOUND_STREAMS,
  MAX_SERVED_PULLS_PER_PEER,
  SYNC_LIMITS,
  SYNC_PROTOCOL,
  SYNC_TIMEOUTS,
} from './constants.js';
import { FramedStream } from './framing.js';
import { GroundsWatch } from './grounds-watch.js';
import { parseServerFrame, type SyncErrorCode, SyncProtocolError } from './messages.js';
import type { OpStore } from './op-store.js';
import { peerOrgKey } from './peer-org-timers.js';
import { type Offence, PeerScores } from './peer-scores.js';
import { PeerSlots } from './peer-slots.js';
import { type PullResult, pullOver } from './pull.js';
import { PullRetries } from './pull-retries.js';
import { serveStream } from './serve.js';
import { type SyncState, SyncStates } from './sync-state.js';
import type { SyncComponents, SyncEvent, SyncInit, SyncService } from './types.js';

/** Errors a pull soon after may not meet: a side was busy, slow or failed itself. */
const TRANSIENT: ReadonlySet<SyncErrorCode> = new Set(['busy', 'internal', 'timeout']);

export class GatehouseSync implements SyncService, Startable {
  readonly protocol = SYNC_PROTOCOL;
  readonly scores: PeerScores;
  private readonly store: OpStore;
  private readonly log: Logger;
  private readonly states = new SyncStates();
  private readonly peers = new Map<string, PeerId>();
  private readonly jobs = new Map<string, { done: Promise<void>; again: boolean }>();
  private readonly serving = new Map<string, number>();
  private readonly listeners = new Set<(event: SyncEvent) => void>();
  private readonly pendingAnnounce = new Set<string>();
  private readonly init: Required<Omit<SyncInit, 'store' | 'scores'>>;
  private readonly retries: PullRetries;
  private readonly grounds: GroundsWatch;
  private readonly refusals: AnnounceRefusals;
  private readonly slots = new PeerSlots(MAX_SERVED_PULLS_PER_PEER);
  private controller = new AbortController();
  private topologyId: string | null = null;
  private unsubscribe: (() => void) | null = null;
  private resyncTimer: NodeJS.Timeout | null = null;
  private announceTimer: NodeJS.Timeout | null = null;
  private started = false;

  constructor(
    private readonly components: SyncComponents,
    init: SyncInit,
  ) {
    this.store = init.store;
    this.scores = init.scores ?? new PeerScores();
    this.log = components.logger.forComponent('gatehouse:sync');
    this.init = {
      resyncIntervalMs: init.resyncIntervalMs ?? 60_000,
      announceDelayMs: init.announceDelayMs ?? 25,
      retryBaseMs: init.retryBaseMs ?? 1000,
      window: Math.min(Math.max(init.window ?? SYNC_LIMITS.defaultWindow, 1), SYNC_LIMITS.maxWindow),
      batchOps: Math.min(Math.max(init.batchOps ?? SYNC_LIMITS.maxBatchOps, 1), SYNC_LIMITS.maxBatchOps),
      batchBytes: Math.min(
        Math.max(init.batchBytes ?? SYNC_LIMITS.targetBatchBytes, 1024),
        SYNC_LIMITS.targetBatchBytes,
      ),
    };
    const backOff = {
      baseMs: this.init.retryBaseMs,
      maxMs: this.init.resyncIntervalMs > 0 ? this.init.resyncIntervalMs : 60_000,
      retry: (peer: string, org: string) => {
        if (!this.peers.has(peer)) return;
        void this.store
          .mayReplicate(org, peer)
          .then((may) => (may ? this.requestPull(peer, org) : undefined))
          .catch(() => {});
      },
    };
    this.retries = new PullRetries(backOff);
    this.grounds = new GroundsWatch(backOff);
    this.refusals = new AnnounceRefusals(backOff.maxMs);
  }

  readonly [Symbol.toStringTag] = '@gatehouse/sync';

  async start(): Promise<void> {
    this.controller = new AbortController();
    await this.components.registrar.handle(
      this.protocol,
      (stream, connection) => this.onStream(stream, connection),
      {
        maxInboundStreams: MAX_INBOUND_STREAMS,
        maxOutboundStreams: MAX_OUTBOUND_STREAMS,
        // Relayed links are how NATed gateways sync; the relay is sized for it.
        runOnLimitedConnection: true,
      },
    );
    this.topologyId = await this.components.registrar.register(this.protocol, {
      notifyOnLimitedConnection: true,
      onConnect: (peerId) => {
        this.peers.set(peerId.toString(), peerId);
        void this.syncPeer(peerId.toString());
      },
      onDisconnect: (peerId) => {
        this.peers.delete(peerId.toString());
        this.retries.forgetPeer(peerId.toString());
        this.grounds.forgetPeer(peerId.toString());
        this.refusals.forgetPeer(peerId.toString());
      },
    });
    this.unsubscribe = this.store.onCommit((orgs) => {
      this.grounds.committed(orgs);
      this.queueAnnounce(orgs);
    });
    if (this.init.resyncIntervalMs > 0) {
      this.resyncTimer = setInterval(() => {
        for (const peer of this.peers.keys()) void this.syncPeer(peer);
        void this.forgetStale();
      }, this.init.resyncIntervalMs);
      this.resyncTimer.unref();
    }
    this.started = true;
  }

  async stop(): Promise<void> {
    this.started = false;
    this.controller.abort(new Error('sync service stopping'));
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    if (this.announceTimer) clearTimeout(this.announceTimer);
    this.resyncTimer = this.announceTimer = null;
    this.retries.clear();
    this.grounds.clear();
    this.refusals.forgetPeer();
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.topologyId) this.components.registrar.unregister(this.topologyId);
    this.topologyId = null;
    await this.components.registrar.unhandle(this.protocol);
    await Promise.allSettled([...this.jobs.values()].map((j) => j.done));
    this.peers.clear();
  }

  isStarted(): boolean {
    return this.started;
  }

  observe(listener: (event: SyncEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: SyncEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        this.log.error('sync listener failed: %e', err);
      }
    }
  }

  connectedPeers(): string[] {
    return [...this.peers.keys()];
  }

  syncStates(filter?: { peer?: string; org?: string }): SyncState[] {
    return this.states.list(filter);
  }

  /**
   * Forgets the sync state of pairs that no longer replicate (a revoked peer, an organisation left),
   * so syncStates and /metrics do not show them for as long as the process runs. Disconnected
   * co-hosts stay: when they were last in sync is what a member wants to see.
   */
  async forgetStale(): Promise<void> {
    for (const s of this.states.list()) {
      if (s.status === 'pulling') continue;
      const may = await this.store.mayReplicate(s.org, s.peer).catch(() => true);
      if (!may) this.states.forget(s.peer, s.org);
    }
  }

  private penalise(peer: string, offence: Offence, detail: string, repeatOf?: string): void {
    const banned = this.scores.penalise(peer, offence, repeatOf);
    this.log('penalised %s for %s: %s', peer, offence, detail);
    this.emit({ type: 'penalty', peer, offence, detail, banned });
    if (banned) {
      this.log('banned %s', peer);
      const id = this.peers.get(peer) ?? safePeerId(peer);
      if (id) void this.components.connectionManager.closeConnections(id).catch(() => {});
    }
  }

  private onStream(stream: Stream, connection: Connection): void {
    const peer = connection.remotePeer.toString();
    if (this.scores.isBanned(peer)) {
      stream.abort(new Error('banned'));
      return;
    }
    serveStream(
      {
        store: this.store,
        states: this.states,
        log: this.log,
        batchOps: this.init.batchOps,
        batchBytes: this.init.batchBytes,
        serving: this.serving,
        penalise: (p, o, d, r) => this.penalise(p, o, d, r),
        onHave: (p, org) => void this.requestPull(p, org),
        signal: this.controller.signal,
      },
      stream,
      peer,
    ).catch((err) => {
      // serveStream answers every failure itself; this is the last line of defence.
      this.log.error('sync stream from %s failed: %e', peer, err);
      stream.abort(err as Error);
    });
  }

  /** Pulls every organisation `peer` may replicate with us; resolves when those pulls end. */
  async syncPeer(peer: string): Promise<void> {
    if (!this.started) return;
    let orgs: readonly string[];
    try {
      orgs = await this.store.hostedOrgs();
    } catch (err) {
      this.log.error('listing hosted organisations failed: %e', err);
      return;
    }
    await Promise.all(
      orgs.map(async (org) => {
        if (await this.store.mayReplicate(org, peer).catch(() => false)) await this.requestPull(peer, org);
      }),
    );
  }

  /** Pulls every hosted organisation from every connected peer; resolves when all are done. */
  async syncAll(): Promise<void> {
    await Promise.all([...this.peers.keys()].map((p) => this.syncPeer(p)));
  }

  /**
   * Schedules a pull of `org` from `peer`. If one is running, it runs once
   * more when it ends. Resolves when the pull (or the rerun) has finished.
   */
  requestPull(peer: string, org: string): Promise<void> {
    const key = peerOrgKey(peer, org);
    const job = this.jobs.get(key);
    if (job) {
      job.again = true;
      return job.done;
    }
    const entry = { done: Promise.resolve(), again: false };
    entry.done = (async () => {
      let failed = false;
      try {
        do {
          entry.again = false;
          const release = await this.slots.acquire(peer);
          if (!this.started || this.scores.isBanned(peer)) {
            release();
            break;
          }
          const mark = this.grounds.mark(org);
          failed = await this.pull(peer, org)
            .finally(release)
            .then(
              (result) => this.pulled(peer, org, result, mark),
              (err) => this.pullFailed(peer, org, err),
            );
        } while (entry.again);
      } finally {
        this.jobs.delete(key);
        // A peer that went away meanwhile is pulled from again when it reconnects.
        if (!this.peers.has(peer)) {
          this.retries.forgetPeer(peer);
          this.grounds.forgetPeer(peer);
        } else if (this.started) this.retries.settle(peer, org, failed && !this.scores.isBanned(peer));
      }
    })();
    this.jobs.set(key, entry);
    return entry.done;
  }

  /** Notes how a pull was answered; returns whether to try it again soon (PullRetries). */
  private pulled(peer: string, org: string, result: PullResult, mark: number): boolean {
    if (this.started) {
      if (result.refusedWith) this.grounds.failed(peer, org);
      else this.grounds.settle(peer, org, result.waiting, mark);
    }
    return result.refusedWith !== null && TRANSIENT.has(result.refusedWith);
  }

  /** Notes a pull that failed; returns whether to try it again soon (PullRetries). */
  private pullFailed(peer: string, org: string, err: unknown): boolean {
    if (this.started) this.grounds.failed(peer, org);
    // A peer caught sending bad input is penalised, not chased.
    return !(err instanceof SyncProtocolError) || TRANSIENT.has(err.code);
  }

  /** Resolves once no pull is running or queued. */
  async whenIdle(): Promise<void> {
    while (this.jobs.size) await Promise.allSettled([...this.jobs.values()].map((j) => j.done));
  }

  /** One pull of `org` from `peer`, now. Throws if it fails. */
  async pull(peer: string, org: string): Promise<PullResult> {
    const state = this.states.get(peer, org);
    const started = performance.now();
    const receivedBefore = state.opsReceived;
    state.status = 'pulling';
    state.lastAttemptAt = Date.now();
    let stream: Stream | undefined;
    try {
      const id = this.peers.get(peer) ?? peerIdFromString(peer);
      stream = await this.components.connectionManager.openStream(id, this.protocol, {
        signal: AbortSignal.any([this.controller.signal, AbortSignal.timeout(SYNC_TIMEOUTS.requestMs)]),
        runOnLimitedConnection: true,
      });
      const result = await pullOver(
        {
          store: this.store,
          log: this.log,
          window: this.init.window,
          penalise: (p, o, d) => this.penalise(p, o, d),
          signal: this.controller.signal,
        },
        stream,
        peer,
        org,
        state,
      );
      const ms = performance.now() - started;
      state.lastPullMs = Math.round(ms);
      if (result.refusedWith) {
        state.status = 'error';
        state.lastError = `refused: ${result.refusedWith}`;
      } else {
        state.status = 'idle';
        state.lastError = null;
        state.lastSuccessAt = Date.now();
        this.refusals.served(peer, org);
      }
      this.emit({ type: 'pulled', peer, org, result, ms });
      return result;
    } catch (err) {
      stream?.abort(err as Error);
      state.status = 'error';
      state.lastError = (err as Error).message;
      const applied = state.opsReceived - receivedBefore;
      this.emit({ type: 'pull-failed', peer, org, error: err as Error, applied });
      throw err;
    }
  }

  private queueAnnounce(orgs: readonly string[]): void {
    if (!this.started) return;
    for (const org of orgs) this.pendingAnnounce.add(org);
    if (this.announceTimer) return;
    this.announceTimer = setTimeout(() => {
      this.announceTimer = null;
      const due = [...this.pendingAnnounce];
      this.pendingAnnounce.clear();
      void this.announce(due);
    }, this.init.announceDelayMs);
  }

  /** Tells connected peers that may replicate these organisations what we now hold. */
  async announce(orgs: readonly string[]): Promise<void> {
    await Promise.all(
      orgs.flatMap((org) =>
        [...this.peers.keys()].map(async (peer) => {
          try {
            if (!(await this.store.mayReplicate(org, peer))) return;
            // A pull running now settles what the commit may change itself (see GroundsWatch.settle).
            if (!this.jobs.has(peerOrgKey(peer, org)) && this.grounds.wants(peer, org))
              void this.requestPull(peer, org);
            if (this.refusals.mayAnnounce(peer, org)) await this.sendHave(peer, org);
          } catch (err) {
            if (err instanceof SyncProtocolError) this.refusals.refused(peer, org, err.code);
            this.log('announcing %s to %s failed: %e', org, peer, err);
          }
        }),
      ),
    );
  }

  private async sendHave(peer: string, org: string): Promise<void> {
    const signal = AbortSignal.any([this.controller.signal, AbortSignal.timeout(SYNC_TIMEOUTS.requestMs)]);
    const stream = await this.components.connectionManager.openStream(
      this.peers.get(peer) ?? peerIdFromString(peer),
      this.protocol,
      {
        signal,
        runOnLimitedConnection: true,
      },
    );
    const framed = new FramedStream(stream, SYNC_LIMITS.maxRequestBytes);
    try {
      await framed.write({ t: 'have', org, vv: await this.store.versionVector(org) }, { signal });
      const frame = parseServerFrame(await framed.read({ signal }));
      if (frame.t === 'err') throw new SyncProtocolError(frame.code, frame.msg);
      await framed.close();
    } catch (err) {
      stream.abort(err as Error);
      throw err;
    }
  }

  /**
   * Redeems a gateway invite at the inviting gateway: dials it, proves who we
   * are (the Noise handshake does), and asks for admission. Returns the
   * inviter's peer id once it has recorded our admission in the log.
   */
  async join(
    target: PeerId | Multiaddr[],
    request: { org: string; invite: string; secret: string },
  ): Promise<PeerId> {
    const signal = AbortSignal.any([
      this.controller.signal,
      AbortSignal.timeout(SYNC_TIMEOUTS.requestMs * 3),
    ]);
    for (let attempt = 1; ; attempt++) {
      const connection = await this.components.connectionManager.openConnection(target, { signal });
      let framed: FramedStream | undefined;
      try {
        const stream = await connection.newStream(this.protocol, { signal, runOnLimitedConnection: true });
        framed = new FramedStream(stream, SYNC_LIMITS.maxRequestBytes);
        await framed.write({ t: 'join', ...request }, { signal });
      } catch (err) {
        framed?.stream.abort(err as Error);
        // The request never left (a connection closing under us, say): the invite is unused, try again.
        if (attempt < JOIN_ATTEMPTS && !signal.aborted) {
          await new Promise((r) => setTimeout(r, 200 * attempt));
          continue;
        }
        throw err;
      }
      const { stream } = framed;
      try {
        const frame = parseServerFrame(await framed.read({ signal }));
        if (frame.t === 'err') throw new SyncProtocolError(frame.code, frame.msg);
        if (frame.t !== 'joined' || frame.org !== request.org)
          throw new SyncProtocolError('malformed', 'unexpected join reply');
        await framed.close();
        this.peers.set(connection.remotePeer.toString(), connection.remotePeer);
        return connection.remotePeer;
      } catch (err) {
        stream.abort(err as Error);
        throw err;
      }
    }
  }
}

/** Tries at sending a join request before giving up (a redeemed invite is never sent twice). */
const JOIN_ATTEMPTS = 3;

function safePeerId(peer: string): PeerId | null {
  try {
    return peerIdFromString(peer);
  } catch {
    return null;
  }
}
