import type { SyncEvent, SyncService } from '@gatehouse/mesh';
import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { MetricsService } from '../../observability/metrics.service.js';

/** Replication figures on /metrics, in the gateway's own registry. */
@Injectable()
export class MeshMetrics {
  private sync: SyncService | null = null;

  readonly pulls: Counter<'outcome'>;
  readonly opsReceived: Counter;
  readonly opsRefused: Counter<'reason'>;
  readonly penalties: Counter<'offence'>;
  readonly bans: Counter;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    const states = () => this.sync?.syncStates() ?? [];
    const peers = () => this.sync?.connectedPeers().length ?? 0;
    this.pulls = new Counter({
      name: 'gatehouse_sync_pulls_total',
      help: 'Sync pulls by outcome (ok, refused by the peer, failed)',
      labelNames: ['outcome'] as const,
      registers,
    });
    this.opsReceived = new Counter({
      name: 'gatehouse_sync_ops_received_total',
      help: 'Ops received from peers and applied',
      registers,
    });
    this.opsRefused = new Counter({
      name: 'gatehouse_sync_ops_refused_total',
      help: 'Ops received from peers and refused, by reason (bad-signature, not-admitted, no-role, ...)',
      labelNames: ['reason'] as const,
      registers,
    });
    this.penalties = new Counter({
      name: 'gatehouse_sync_peer_penalties_total',
      help: 'Penalties given to peers for bad input, by offence',
      labelNames: ['offence'] as const,
      registers,
    });
    this.bans = new Counter({
      name: 'gatehouse_sync_peer_bans_total',
      help: 'Peers banned for a while after repeated bad input',
      registers,
    });
    new Gauge({
      name: 'gatehouse_mesh_peers',
      help: 'Peers connected with the sync protocol',
      registers,
      collect: function () {
        this.set(peers());
      },
    });
    new Gauge({
      name: 'gatehouse_sync_behind_ops',
      help: 'Ops a peer held that this gateway lacked at the end of the last pull, per organisation and peer',
      labelNames: ['org', 'peer'] as const,
      registers,
      collect: function () {
        this.reset();
        for (const s of states()) this.set({ org: s.org, peer: s.peer }, s.behind);
      },
    });
    new Gauge({
      name: 'gatehouse_sync_ahead_ops',
      help: 'Ops this gateway held that a peer lacked at the end of the last pull, per organisation and peer',
      labelNames: ['org', 'peer'] as const,
      registers,
      collect: function () {
        this.reset();
        for (const s of states()) this.set({ org: s.org, peer: s.peer }, s.ahead);
      },
    });
    new Gauge({
      name: 'gatehouse_sync_last_success_timestamp_seconds',
      help: 'When the last pull per organisation and peer completed (unix seconds)',
      labelNames: ['org', 'peer'] as const,
      registers,
      collect: function () {
        this.reset();
        for (const s of states())
          if (s.lastSuccessAt) this.set({ org: s.org, peer: s.peer }, s.lastSuccessAt / 1000);
      },
    });
  }

  /** Starts counting the events of a running sync service. */
  attach(sync: SyncService): () => void {
    this.sync = sync;
    return sync.observe((event: SyncEvent) => {
      switch (event.type) {
        case 'pulled':
          this.pulls.inc({ outcome: event.result.refusedWith ? 'refused' : 'ok' });
          this.opsReceived.inc(event.result.applied);
          return;
        case 'pull-failed':
          this.pulls.inc({ outcome: 'failed' });
          this.opsReceived.inc(event.applied);
          return;
        case 'penalty':
          this.penalties.inc({ offence: event.offence });
          if (event.banned) this.bans.inc();
          return;
      }
    });
  }

  /** Counts refusals of received ops (called by the store with each ingest outcome). */
  refused(reasons: readonly string[]): void {
    for (const r of reasons) this.opsRefused.inc({ reason: r.split(' ')[0] });
  }
}
