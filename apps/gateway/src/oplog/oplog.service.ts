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
  verifyOpSignature,
  verifyRun,
} from '@gatehouse/mesh';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Subject } from 'rxjs';
import type { DataSource, EntityManager } from 'typeorm';
import { SerialQueue } from '../common/serial-queue.js';
import { MetricsService } from '../observability/metrics.service.js';
import { INSERT_OP_SQL, type OpRow, opFromRow, opInsertParams } from './op-row.js';
import { OpRejectedError } from './projection.js';
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

/** Judges the authority of received ops, in log order, inside the ingest transaction. */
export interface OpAuthority {
  /** Why `op` may not be applied (e.g. 'not-admitted', 'no-role'), or null when it may. */
  judge(op: Op): Promise<string | null>;
  /** `op` was applied: later ops in the same transaction may rest on it. */
  applied(op: Op): void;
}

export interface IngestOptions {
  /** Checks admission and roles (the mesh receiving path); without it only authenticity is checked. */
  authority?: (tx: EntityManager) => OpAuthority;
}

export interface IngestResult {
  applied: Op[];
  duplicates: number;
  rejected: { id: string; author: string; seq: number; reason: string }[];
}

/** Thrown inside an ingest transaction to roll it back and redo it with a savepoint per op. */
class RetryOpByOp extends Error {}

/**
 * Thrown inside an ingest transaction to roll it back and redo it without
 * these (org, author) runs: each was cut by a refusal before its verified
 * newest op, and what would be kept of it ends at an op whose signature is
 * not valid, so this gateway could never send it on.
 */
class WithholdRuns extends Error {
  constructor(readonly refusals: ReadonlyMap<string, ReadonlyMap<string, string>>) {
    super('runs withheld');
  }
}

interface IngestAttempt {
  opByOp: boolean;
  /** (org, author) runs refused whole this time: op id -> why it was refused the time before. */
  readonly withheld: Map<string, ReadonlyMap<string, string>>;
}

const chainKey = (op: Pick<Op, 'org' | 'author'>) => `${op.org}\0${op.author}`;

/** Groups ops by (org, author), each group sorted by seq. */
function runsOf(ops: readonly Op[]): Op[][] {
  const groups = new Map<string, Op[]>();
  for (const op of ops) {
    const key = chainKey(op);
    const group = groups.get(key) ?? [];
    if (!group.some((o) => o.seq === op.seq && o.id === op.id)) group.push(op);
    groups.set(key, group);
  }
  return [...groups.values()].map((g) => g.sort((a, b) => a.seq - b.seq));
}

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
  /** Ops committed to the log, local or received, after their transaction commits. */
  readonly committed = new Subject<readonly Op[]>();

  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(GATEWAY_IDENTITY) private readonly identity: GatewayIdentity,
    @Inject(WALL_CLOCK) wallClock: () => number,
    private readonly projections: ProjectionRegistry,
    private readonly metrics: MetricsService,
  ) {
    this.clock = new HybridLogicalClock(wallClock);
  }

  get author(): string {
    return this.identity.peerId;
  }

  async onModuleInit(): Promise<void> {
    const [row] = await this.db.query('SELECT max(hlc) AS hlc FROM op');
    if (row?.hlc) this.clock.observe(decodeHlc(row.hlc));
    const tips: { org: string; seq: number; id: string }[] = await this.db.query(
      `SELECT org, seq, id FROM op o WHERE author = ? AND seq = (SELECT max(seq) FROM op WHERE org = o.org AND author = o.author)`,
      [this.author],
    );
    for (const t of tips) this.tips.set(t.org, { seq: t.seq, id: t.id });
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
        for (const request of batch) {
          const before = new Map(tips);
          await tx.query('SAVEPOINT append_request');
          try {
            const ops: Op[] = [];
            for (const draft of request.drafts) ops.push(await this.appendOne(tx, draft, tips));
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
    if (ops.length) this.committed.next(ops);
  }

  private async appendOne(tx: EntityManager, draft: OpDraft, tips: Map<string, ChainTip>): Promise<Op> {
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

  /**
   * Stores and applies ops received from other gateways, in one transaction.
   * Per author: ops already held are skipped, the rest must continue that
   * author's hash chain, and one signature (the newest op's) is checked for
   * the whole run. Only that op is stored as signature-verified; the others
   * keep what they came with, marked unchecked. The ops that pass are applied
   * in log order, so an op's authority (its author's admission, its actor's
   * role) is in place before it is judged. An op that fails (bad payload, no
   * authority) is refused with everything after it in its author's run;
   * nothing refused is stored. When that leaves a run ending before its
   * verified op, the new end's own signature is checked too (one more
   * verification), and if it is not valid the whole run is refused: this
   * gateway could not send such a run on, and will receive it again.
   */
  ingest(ops: readonly Op[], options: IngestOptions = {}): Promise<IngestResult> {
    return this.writes.run(async () => {
      let result: IngestResult;
      const attempt: IngestAttempt = { opByOp: false, withheld: new Map() };
      for (;;) {
        try {
          result = await this.ingestOnce(ops, options, attempt);
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
      for (const op of result.applied) {
        this.clock.observe(decodeHlc(op.hlc));
        // Our own ops coming back (e.g. after restoring an old backup) move our chain tip too.
        if (op.author === this.author && op.seq > (this.tips.get(op.org)?.seq ?? 0)) {
          this.tips.set(op.org, { seq: op.seq, id: op.id });
        }
      }
      this.metrics.opsAppended.inc({ origin: 'remote' }, result.applied.length);
      for (const r of result.rejected) this.metrics.opsRejected.inc({ reason: r.reason.split(' ')[0] });
      if (result.applied.length) this.committed.next(result.applied);
      return result;
    });
  }

  /**
   * One ingest transaction. Fast path (`opByOp` false): no savepoints, and the
   * first op a projection refuses aborts the whole transaction with
   * RetryOpByOp. Refusals by the authority judge need no rollback: nothing
   * was written for them.
   */
  private async ingestOnce(
    ops: readonly Op[],
    options: IngestOptions,
    { opByOp, withheld }: IngestAttempt,
  ): Promise<IngestResult> {
    const result: IngestResult = { applied: [], duplicates: 0, rejected: [] };
    await this.db.transaction(async (tx) => {
      const fresh: Op[] = [];
      /** Per (org, author): the id of the op whose signature verifyRun checked. */
      const signed = new Map<string, string>();
      for (const run of runsOf(ops)) {
        const { org, author } = run[0];
        const [tip]: { seq: number; id: string }[] = await tx.query(
          'SELECT seq, id FROM op WHERE org = ? AND author = ? ORDER BY seq DESC LIMIT 1',
          [org, author],
        );
        let unheld = run;
        if (tip) {
          const held = run.filter((op) => op.seq <= tip.seq);
          unheld = run.filter((op) => op.seq > tip.seq);
          for (const op of held) {
            const [same] = await tx.query('SELECT id FROM op WHERE org = ? AND author = ? AND seq = ?', [
              org,
              author,
              op.seq,
            ]);
            if (same?.id === op.id) result.duplicates += 1;
            else result.rejected.push({ id: op.id, author, seq: op.seq, reason: 'fork' });
          }
        }
        if (!unheld.length) continue;
        const verdict = verifyRun(unheld, tip ?? null);
        if (!verdict.ok) {
          for (const op of unheld)
            result.rejected.push({ id: op.id, author, seq: op.seq, reason: verdict.reason });
          continue;
        }
        fresh.push(...unheld);
        signed.set(chainKey(run[0]), unheld[unheld.length - 1].id);
      }
      const authority = options.authority?.(tx);
      /** Per (org, author) with a refused op: op id -> reason. */
      const refused = new Map<string, Map<string, string>>();
      /** Per (org, author): the newest op applied. */
      const newest = new Map<string, Op>();
      for (const op of fresh.sort(compareOps)) {
        const chain = chainKey(op);
        const refuse = (reason: string) => {
          result.rejected.push({ id: op.id, author: op.author, seq: op.seq, reason });
          refused.set(chain, (refused.get(chain) ?? new Map()).set(op.id, reason));
        };
        const withheldWhy = withheld.get(chain);
        if (withheldWhy) {
          refuse(withheldWhy.get(op.id) ?? 'precedes a refused op');
          continue;
        }
        if (refused.has(chain)) {
          refuse('follows a refused op');
          continue;
        }
        const denied = authority ? await authority.judge(op) : null;
        if (denied) {
          refuse(denied);
          continue;
        }
        // Only the op whose signature verifyRun checked is stored as verified.
        const row = opInsertParams(op, Date.now(), signed.get(chain) === op.id);
        if (!opByOp) {
          try {
            await tx.query(INSERT_OP_SQL, row);
            await this.projections.apply(tx, op);
          } catch {
            throw new RetryOpByOp();
          }
        } else {
          await tx.query('SAVEPOINT ingest_op');
          try {
            await tx.query(INSERT_OP_SQL, row);
            await this.projections.apply(tx, op);
            await tx.query('RELEASE ingest_op');
          } catch (err) {
            await tx.query('ROLLBACK TO ingest_op');
            await tx.query('RELEASE ingest_op');
            refuse(err instanceof OpRejectedError ? err.reason : (err as Error).message);
            continue;
          }
        }
        authority?.applied(op);
        result.applied.push(op);
        if (op.seq > (newest.get(chain)?.seq ?? 0)) newest.set(chain, op);
      }
      // A run cut short by a refusal ends at an op whose signature was not checked: check it now.
      const unsendable = new Map<string, ReadonlyMap<string, string>>();
      for (const [chain, why] of refused) {
        const end = newest.get(chain);
        if (!end || end.id === signed.get(chain)) continue;
        if (verifyOpSignature(end)) await tx.query('UPDATE op SET sig_verified = 1 WHERE id = ?', [end.id]);
        else unsendable.set(chain, why);
      }
      if (unsendable.size) throw new WithholdRuns(unsendable);
    });
    return result;
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
            await tx.query('UPDATE op SET sig_verified = 1 WHERE org = ? AND author = ? AND seq = ?', note);
        });
      })
      .catch(() => {});
  }

  /** Runs a read-modify-write under the write lock, for local-only tables. */
  exclusive<T>(task: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.writes.run(() => this.db.transaction(task));
  }

  /** Empties every projection and replays the whole log: the tables are a function of the ops. */
  rebuild(): Promise<number> {
    return this.writes.run(async () => {
      let count = 0;
      await this.db.transaction(async (tx) => {
        for (const p of this.projections.all) await p.clear(tx);
        const pageSize = 1000;
        let after: [string, string, string, number] = ['', '', '', 0];
        for (;;) {
          const rows: OpRow[] = await tx.query(
            `SELECT * FROM op WHERE (org, hlc, author, seq) > (?, ?, ?, ?) ORDER BY org, hlc, author, seq LIMIT ?`,
            [...after, pageSize],
          );
          for (const row of rows) await this.projections.apply(tx, opFromRow(row));
          count += rows.length;
          if (rows.length < pageSize) break;
          const last = rows[rows.length - 1];
          after = [last.org, last.hlc, last.author, last.seq];
        }
      });
      return count;
    });
  }

  async versionVector(org: string): Promise<Record<string, number>> {
    const rows: { author: string; seq: number }[] = await this.db.query(
      'SELECT author, max(seq) AS seq FROM op WHERE org = ? GROUP BY author',
      [org],
    );
    return Object.fromEntries(rows.map((r) => [r.author, r.seq]));
  }

  async opCount(org?: string): Promise<number> {
    const [row] = org
      ? await this.db.query('SELECT count(*) AS n FROM op WHERE org = ?', [org])
      : await this.db.query('SELECT count(*) AS n FROM op');
    return row.n;
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
