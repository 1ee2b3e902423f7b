import type {
  IngestOutcome,
  InviteRedemption,
  Op,
  OpPlace,
  OpStore,
  StoredOp,
  VersionVector,
} from '@gatehouse/mesh';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import type { DataSource } from 'typeorm';
import type { AuthorityFactory } from '../../oplog/authority-reconciler.js';
import { bySeq, chainRows } from '../../oplog/op-row.js';
import { OpLogService } from '../../oplog/oplog.service.js';
import { DATA_SOURCE } from '../../oplog/tokens.js';
import { GatewayInvitesService } from '../admission/gateway-invites.service.js';
import { OpJudge } from '../authority/op-judge.js';
import { MeshMetrics } from '../node/mesh-metrics.js';
import { MeshDirectory } from './mesh-directory.js';

/** Received ops are judged for authority (admission, roles) as they are stored. */
const judged: AuthorityFactory = (tx) => new OpJudge(tx);

/**
 * The sync protocol's view of this gateway's op log. Received ops go through
 * OpLogService.ingest with the authority judge; version vectors are cached
 * and kept current from committed ops, so "are we in sync?" costs no scan of
 * the log.
 */
@Injectable()
export class GatewayOpStore implements OpStore, OnModuleInit, OnModuleDestroy {
  private readonly vectors = new Map<string, Record<string, number>>();
  private subscription: Subscription | null = null;

  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    private readonly oplog: OpLogService,
    private readonly directory: MeshDirectory,
    private readonly invites: GatewayInvitesService,
    private readonly metrics: MeshMetrics,
  ) {}

  onModuleInit(): void {
    this.subscription = this.oplog.stored.subscribe((ops) => {
      for (const op of ops) {
        const vv = this.vectors.get(op.org);
        if (vv && op.seq > (vv[op.author] ?? 0)) vv[op.author] = op.seq;
      }
    });
  }

  /** Finishes a reconciliation cut short last time (see RECONCILE_OWED); startMesh calls it. */
  settleOwedReconciliation(): Promise<boolean> {
    return this.oplog.settleOwedReconciliation(judged);
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  hostedOrgs(): Promise<readonly string[]> {
    return this.directory.hostedOrgs();
  }

  hosts(org: string): Promise<boolean> {
    return this.directory.hosts(org);
  }

  async versionVector(org: string): Promise<VersionVector> {
    let vv = this.vectors.get(org);
    if (!vv) {
      const fromLog = await this.oplog.versionVector(org);
      // Ops committed while we read are already in the cache entry, if one appeared: keep the larger seq.
      vv = this.vectors.get(org) ?? {};
      for (const [author, seq] of Object.entries(fromLog)) vv[author] = Math.max(vv[author] ?? 0, seq);
      this.vectors.set(org, vv);
    }
    return { ...vv };
  }

  async opsAfter(org: string, author: string, afterSeq: number, limit: number): Promise<readonly StoredOp[]> {
    const rows = await chainRows<{
      author: string;
      seq: number;
      hlc: string;
      body: Uint8Array;
      sig: Uint8Array;
      sig_verified: number;
    }>(
      this.db,
      {
        select: 'author, seq, hlc, body, sig, sig_verified',
        where: 'org = ? AND author = ? AND seq > ?',
        params: [org, author, afterSeq],
        orderBy: 'seq',
        limit,
      },
      bySeq,
    );
    return rows.map((r) => ({
      author: r.author,
      seq: r.seq,
      hlc: r.hlc,
      bytes: new Uint8Array(r.body),
      sig: new Uint8Array(r.sig),
      // Only a signature this gateway made or checked is sent on as one (the sync server sees to it).
      sigVerified: r.sig_verified === 1,
    }));
  }

  rememberVerified(org: string, author: string, seq: number): void {
    this.oplog.rememberVerified(org, author, seq);
  }

  async ingest(org: string, ops: readonly Op[]): Promise<IngestOutcome> {
    // A gateway hosts only organisations it was admitted to (or created).
    if (!(await this.hosts(org)) || ops.some((op) => op.org !== org)) {
      const rejected = ops.map((op) => ({ id: op.id, author: op.author, seq: op.seq, reason: 'not-hosted' }));
      this.metrics.refused(rejected.map((r) => r.reason));
      return { applied: 0, duplicates: 0, rejected };
    }
    const result = await this.oplog.ingest(ops, { authority: judged });
    if (result.rejected.length) this.metrics.refused(result.rejected.map((r) => r.reason));
    // Void ops are stored like the rest: the sender's chain moved on, and so does our vector.
    return {
      applied: result.applied.length + result.voided.length,
      duplicates: result.duplicates,
      rejected: result.rejected,
    };
  }

  mayReplicate(org: string, peer: string): Promise<boolean> {
    return this.directory.mayReplicate(org, peer);
  }

  revokedAt(org: string, peer: string): Promise<OpPlace | null> {
    return this.directory.revokedAt(org, peer);
  }

  onCommit(listener: (orgs: readonly string[]) => void): () => void {
    const subscription = this.oplog.stored.subscribe((ops) =>
      listener([...new Set(ops.map((op) => op.org))]),
    );
    return () => subscription.unsubscribe();
  }

  redeemInvite(request: InviteRedemption): Promise<'admitted' | 'invalid'> {
    return this.invites.redeem(request);
  }
}
