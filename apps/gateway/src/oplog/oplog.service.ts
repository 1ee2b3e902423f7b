import {
  type ChainTip,
  compareOps,
  decodeHlc,
  encodeHlc,
  type GatewayIdentity,
  HybridLogicalClock,
  type Op,
  type OpDraft,
  signOp,
} from '@gatehouse/mesh';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Subject } from 'rxjs';
import type { DataSource, EntityManager } from 'typeorm';
import { SerialQueue } from '../common/serial-queue.js';
import { MetricsService } from '../observability/metrics.service.js';
import {
  type AuthorityFactory,
  AuthorityReconciler,
  mayChangeVerdicts,
  RECONCILE_OWED,
  SETTLE_RECONCILIATION_SQL,
  UNKNOWN_KIND,
} from './authority-reconciler.js';
import {
  type IngestAttempt,
  type IngestOptions,
  type IngestResult,
  ingestOnce,
  RetryOpByOp,
  WithholdRuns,
} from './ingest-transaction.js';
import { INSERT_OP_SQL, type OpRow, opFromRow, opInsertParams } from './op-row.js';
import { ProjectionRegistry } from './projection-registry.js';
import { DATA_SOURCE, GATEWAY_IDENTITY, WALL_CLOCK } from './tokens.js';

/** Most appends committed by one transaction. */
const MAX_GROUP_COMMIT = 128;

interface AppendRequest {
  drafts: readonly OpDraft[];
  alsoInTx?: (tx: EntityManager, ops: readonly Op[]) => Promise<void>;
  resolve: (ops: Op[]) => void;
  reject: (err: unknown) => void;
}

/**
 * Asked before this gateway first writes to an organisation in a write
 * transaction (once per organisation and transaction); throws to refuse the
 * write. Registered by the modules that know why (see guardWrites).
 */
export type WriteGuard = (tx: EntityManager, org: string) => Promise<void>;

export type { OpAuthority, Verdict } from './authority-reconciler.js';
export type { IngestOptions, IngestResult } from './ingest-transaction.js';

/**
 * The organisation logs held by this gateway. Every write is appended here as
 * a signed op in the same SQLite transaction that updates its projection, so
 * an acknowledged write is in the log and the tables, or in neither.
 */
@Injectable()
export class OpLogService implements OnModuleInit {
  private readonly writes = new SerialQueue();
  private readonly pending: AppendRequest[] = [];
  private readonly clock: HybridLogicalClock;
  /** This gateway's newest op per organisation (seq and id), the end of its hash chain. */
  private readonly tips = new Map<string, ChainTip>();
  /** Ops whose stored signature the sync server verified, to be flagged by the next write. */
  private verifiedLater: [org: string, author: string, seq: number][] = [];
  /** Ops that took effect, local or received, after their transaction commits. */
  readonly committed = new Subject<readonly Op[]>();
  /** Every op added to an author's chain, void ones too, after commit: what sync advertises. */
  readonly stored = new Subject<readonly Op[]>();
  /** Every projection was rebuilt from the log: caches of projected rows are stale. */
  readonly rebuilt = new Subject<void>();
  private readonly reconciler: AuthorityReconciler;
  private readonly writeGuards: WriteGuard[] = [];
  /** A reconciliation failed in this process: its mark stays until a full rebuild commits. */
  private reconcileFailed = false;

  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(GATEWAY_IDENTITY) private readonly identity: GatewayIdentity,
    @Inject(WALL_CLOCK) wallClock: () => number,
    private readonly projections: ProjectionRegistry,
    private readonly metrics: MetricsService,
  ) {
    this.clock = new HybridLogicalClock(wallClock);
    this.reconciler = new AuthorityReconciler(db, projections);
  }

  get author(): string {
    return this.identity.peerId;
  }

  async onModuleInit(): Promise<void> {
    const [row] = await this.db.query('SELECT max(hlc) AS hlc FROM op_chain');
    if (row?.hlc) this.clock.observe(decodeHlc(row.hlc));
    for (const table of ['op', 'op_void']) {
      const tips: { org: string; seq: number; id: string }[] = await this.db.query(
        `SELECT org, seq, id FROM ${table} o WHERE author = ? AND seq = (SELECT max(seq) FROM ${table} WHERE org = o.org AND author = o.author)`,
        [this.author],
      );
      for (const t of tips)
        if (t.seq > (this.tips.get(t.org)?.seq ?? 0)) this.tips.set(t.org, { seq: t.seq, id: t.id });
    }
  }

  /**
   * Appends ops authored by this gateway and applies them to the projections.
   * `alsoInTx` runs in the same transaction, for local rows that must commit
   * with the ops (e.g. a session of a new account). Resolves once committed.
   *
   * Group commit: appends that arrive while a transaction is running are
   * committed together by the next one, each under its own savepoint, so
   * concurrent writers share one fsync and one failing request fails alone.
   */
  append(drafts: readonly OpDraft[], alsoInTx?: AppendRequest['alsoInTx']): Promise<Op[]> {
    return new Promise((resolve, reject) => {
      this.pending.push({ drafts, alsoInTx, resolve, reject });
      if (this.pending.length === 1) void this.writes.run(() => this.commitPending());
    });
  }

  private async commitPending(): Promise<void> {
    const batch = this.pending.splice(0, MAX_GROUP_COMMIT);
    if (this.pending.length) void this.writes.run(() => this.commitPending());
    if (!batch.length) return;
    const started = performance.now();
    let tips = new Map<string, ChainTip>();
    const done: { request: AppendRequest; ops: Op[] }[] = [];
    const failed: { request: AppendRequest; err: unknown }[] = [];
    try {
      await this.db.transaction(async (tx) => {
        /** Organisations this transaction found this gateway may still write to. */
        const writable = new Set<string>();
        for (const request of batch) {
          const before = new Map(tips);
          await tx.query('SAVEPOINT append_request');
          try {
            const ops: Op[] = [];
            for (const draft of request.drafts) ops.push(await this.appendOne(tx, draft, tips, writable));
            if (request.alsoInTx) await request.alsoInTx(tx, ops);
            await tx.query('RELEASE append_request');
            done.push({ request, ops });
          } catch (err) {
            await tx.query('ROLLBACK TO append_request');
            await tx.query('RELEASE append_request');
            tips = before;
            failed.push({ request, err });
          }
        }
      });
    } catch (err) {
      for (const request of batch) request.reject(err);
      return;
    }
    // Only a committed transaction moves the chain tips forward.
    for (const [org, tip] of tips) this.tips.set(org, tip);
    const ops = done.flatMap((d) => d.ops);
    this.metrics.opsAppended.inc({ origin: 'local' }, ops.length);
    this.metrics.writeSeconds.observe((performance.now() - started) / 1000);
    for (const { request, err } of failed) request.reject(err);
    for (const { request, ops: mine } of done) request.resolve(mine);
    if (ops.length) {
      this.committed.next(ops);
      this.stored.next(ops);
    }
  }

  private async appendOne(
    tx: EntityManager,
    draft: OpDraft,
    tips: Map<string, ChainTip>,
    writable: Set<string>,
  ): Promise<Op> {
    if (!writable.has(draft.org)) {
      for (const guard of this.writeGuards) await guard(tx, draft.org);
      writable.add(draft.org);
    }
    const tip = tips.get(draft.org) ?? this.tips.get(draft.org) ?? null;
    const op = signOp(this.identity, {
      v: 1,
      org: draft.org,
      author: this.author,
      seq: (tip?.seq ?? 0) + 1,
      prev: tip?.id ?? null,
      hlc: encodeHlc(this.clock.tick()),
      actor: draft.actor,
      kind: draft.kind,
      entity: draft.entity,
      payload: draft.payload,
      ...(draft.parents?.length ? { parents: draft.parents } : {}),
    });
    this.projections.check(op);
    await tx.query(INSERT_OP_SQL, opInsertParams(op, Date.now(), true));
    await this.projections.apply(tx, op);
    tips.set(op.org, { seq: op.seq, id: op.id });
    return op;
  }

  /** Adds a check every local write must pass (e.g. the mesh's: not revoked from the organisation). */
  guardWrites(guard: WriteGuard): void {
    this.writeGuards.push(guard);
  }

  /**
   * Stores and applies ops received from other gateways, in one transaction.
   * Per author: ops already held are skipped, the rest must continue that
   * author's hash chain (clock moving forward), and one signature (the
   * newest op's) is checked for the whole run. Only that op is stored as
   * signature-verified; the others keep what they came with, marked
   * unchecked. The ops that pass are judged and applied in log order, so an
   * op's authority (its author's admission, its actor's role) is in place
   * before it is judged. An op without authority is kept void (stored in
   * op_void, never applied) unless its gateway was never admitted: then it
   * is refused, like an op with a bad payload, with everything after it in
   * its author's run, and nothing refused is stored. When that leaves a run
   * ending before its verified op, the new end's own signature is checked
   * too (one more verification), and if it is not valid the whole run is
   * refused: this gateway could not send such a run on, and will receive it
   * again. A late change of authority is reconciled after commit
   * (AuthorityReconciler), owed durably until then (RECONCILE_OWED).
   */
  ingest(ops: readonly Op[], options: IngestOptions = {}): Promise<IngestResult> {
    return this.writes.run(async () => {
      let result: IngestResult;
      const attempt: IngestAttempt = { opByOp: false, withheld: new Map() };
      // Received ops can be fetched again, so their commits skip the WAL fsync (see DESIGN.md,
      // "Writing and receiving"); the next local write's FULL commit makes them durable too.
      await this.db.query('PRAGMA synchronous = NORMAL');
      try {
        for (;;) {
          try {
            result = await ingestOnce(this.db, this.projections, ops, options, attempt);
            break;
          } catch (err) {
            // A projection refused an op: start over with a savepoint around each op.
            if (err instanceof RetryOpByOp) attempt.opByOp = true;
            // Runs that cannot be kept in part: start over without them (each run at most once).
            else if (err instanceof WithholdRuns)
              for (const [c, why] of err.refusals) attempt.withheld.set(c, why);
            else throw err;
          }
        }
      } finally {
        await this.db.query('PRAGMA synchronous = FULL');
      }
      const stored = [...result.applied, ...result.voided.map((v) => v.op)].sort(compareOps);
      for (const op of stored) {
        this.clock.observe(decodeHlc(op.hlc));
        // Our own ops coming back (e.g. after restoring an old backup) move our chain tip too.
        if (op.author === this.author && op.seq > (this.tips.get(op.org)?.seq ?? 0)) {
          this.tips.set(op.org, { seq: op.seq, id: op.id });
        }
      }
      this.metrics.opsAppended.inc({ origin: 'remote' }, result.applied.length);
      for (const r of result.rejected) this.metrics.opsRejected.inc({ reason: r.reason.split(' ')[0] });
      for (const v of result.voided) this.metrics.opsVoided.inc({ reason: v.reason.split(' ')[0] });
      if (result.forks.length) this.metrics.forks.inc(result.forks.length);
      // Told before reconciling: these ops are committed even if the reconciliation fails.
      if (result.applied.length) this.committed.next(result.applied);
      if (stored.length) this.stored.next(stored);
      if (options.authority && stored.some(mayChangeVerdicts))
        result.rebuilt = await this.reconcile(stored, options.authority);
      if (result.rebuilt) this.rebuilt.next();
      return result;
    });
  }

  /**
   * After an ingest committed ops that may change verdicts (and the mark
   * saying so): rebuilds if ops held from before now get other verdicts, or
   * if an earlier reconciliation failed (its mark is this one too, so only
   * a full rebuild may clear it). Returns whether it rebuilt.
   */
  private async reconcile(stored: readonly Op[], authority: AuthorityFactory): Promise<boolean> {
    try {
      if (!this.reconcileFailed && !(await this.reconciler.needsRebuild(stored, authority))) {
        await this.db.query(SETTLE_RECONCILIATION_SQL);
        return false;
      }
      await this.rebuildSettling(authority);
      return true;
    } catch (err) {
      this.reconcileFailed = true;
      throw err;
    }
  }

  private async rebuildSettling(authority: AuthorityFactory): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.reconciler.rebuild(tx, authority);
      await tx.query(SETTLE_RECONCILIATION_SQL);
    });
    this.reconcileFailed = false;
    this.metrics.authorityRebuilds.inc();
  }

  /**
   * Rebuilds with `authority` if a reconciliation was owed: an ingest
   * committed ops that may change verdicts, and the gateway stopped (or the
   * rebuild failed) before their reconciliation committed; or ops are held
   * void for a kind this version now knows (an upgrade: see unknownKind).
   * Run at start. A failure leaves it owed: the next such ingest rebuilds in full.
   */
  async settleOwedReconciliation(authority: AuthorityFactory): Promise<boolean> {
    return this.writes.run(async () => {
      const [owed] = await this.db.query('SELECT 1 FROM gateway_setting WHERE key = ?', [RECONCILE_OWED]);
      if (!owed && !(await this.knowsKindsHeldUnknown())) return false;
      try {
        await this.rebuildSettling(authority);
      } catch (err) {
        this.reconcileFailed = true;
        throw err;
      }
      this.rebuilt.next();
      return true;
    });
  }

  /** Whether ops are held void for a kind unknown when they arrived that this version knows (an upgrade). */
  private async knowsKindsHeldUnknown(): Promise<boolean> {
    const kinds: { kind: string }[] = await this.db.query(
      `SELECT DISTINCT kind FROM op_void WHERE void_reason LIKE '${UNKNOWN_KIND} %'`,
    );
    return kinds.some(({ kind }) => this.projections.knows(kind));
  }

  /**
   * The sync server verified the stored signature of an op after it was
   * stored: flag it, in the next write transaction, so it is not verified
   * again. Not awaited; a note lost in a crash costs one verification later.
   */
  rememberVerified(org: string, author: string, seq: number): void {
    this.verifiedLater.push([org, author, seq]);
    if (this.verifiedLater.length > 1) return;
    void this.writes
      .run(async () => {
        const notes = this.verifiedLater;
        this.verifiedLater = [];
        await this.db.transaction(async (tx) => {
          for (const note of notes)
            for (const table of ['op', 'op_void'])
              await tx.query(
                `UPDATE ${table} SET sig_verified = 1 WHERE org = ? AND author = ? AND seq = ?`,
                note,
              );
        });
      })
      .catch(() => {});
  }

  /** Runs a read-modify-write under the write lock, for local-only tables. */
  exclusive<T>(task: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.writes.run(() => this.db.transaction(task));
  }

  /**
   * Empties every projection and replays the log: the tables are a function
   * of the ops. With `authority`, every op is judged afresh on the way and
   * void ops are recomputed; without, the effective log is replayed as it is.
   */
  rebuild(options: { authority?: AuthorityFactory } = {}): Promise<number> {
    return this.writes.run(async () => {
      const { ops } = await this.db.transaction(async (tx) => {
        const replayed = await this.reconciler.rebuild(tx, options.authority);
        if (options.authority) await tx.query(SETTLE_RECONCILIATION_SQL);
        return replayed;
      });
      this.rebuilt.next();
      return ops;
    });
  }

  async versionVector(org: string): Promise<Record<string, number>> {
    const rows: { author: string; seq: number }[] = await this.db.query(
      `SELECT author, max(seq) AS seq FROM (
         SELECT author, max(seq) AS seq FROM op WHERE org = ? GROUP BY author
         UNION ALL SELECT author, max(seq) AS seq FROM op_void WHERE org = ? GROUP BY author)
       GROUP BY author`,
      [org, org],
    );
    return Object.fromEntries(rows.map((r) => [r.author, r.seq]));
  }

  /** Ops held, void ones included: two gateways with the same ops hold the same count. */
  async opCount(org?: string): Promise<number> {
    const [row] = org
      ? await this.db.query('SELECT count(*) AS n FROM op_chain WHERE org = ?', [org])
      : await this.db.query('SELECT count(*) AS n FROM op_chain');
    return row.n;
  }

  /** Evidence of forked chains (an author signing two ops for one seq), newest first. */
  forkEvidence(
    limit = 100,
  ): Promise<
    { org: string; author: string; seq: number; held_id: string; other_id: string; seen_at: number }[]
  > {
    return this.db.query(
      'SELECT org, author, seq, held_id, other_id, seen_at FROM fork_evidence ORDER BY seen_at DESC LIMIT ?',
      [limit],
    );
  }

  /** Void ops of an organisation in log order, with why each has no effect. */
  async voidOpsOf(org: string): Promise<{ op: Op; reason: string }[]> {
    const rows: (OpRow & { void_reason: string })[] = await this.db.query(
      'SELECT * FROM op_void WHERE org = ? ORDER BY hlc, author, seq',
      [org],
    );
    return rows.map((r) => ({ op: opFromRow(r), reason: r.void_reason }));
  }

  /** Ops of an organisation in log order, for history views and tests. */
  async opsOf(org: string, limit = 1000): Promise<Op[]> {
    const rows: OpRow[] = await this.db.query(
      'SELECT * FROM op WHERE org = ? ORDER BY hlc, author, seq LIMIT ?',
      [org, limit],
    );
    return rows.map(opFromRow);
  }
}
