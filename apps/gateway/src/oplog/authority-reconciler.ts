/**
 * Keeps void ops (DESIGN.md, "Authority") a function of the ops held, not of
 * the order they arrived in. Authority is judged as of each op's place in the
 * log order, from the effective ops before it. An op that changes authority
 * (a role, an admission, a revocation) may arrive after ops placed later that
 * were judged without it: those verdicts may now be wrong. The tail after the
 * earliest such op is judged again; at the first verdict that differs, every
 * projection is rebuilt from the log with every op judged afresh, because a
 * changed verdict changes what later ops rest on.
 *
 * Both are rare: they need a change of authority racing ops it affects. The
 * tail check reads only ops placed after the late op.
 */
import { compareOps, type Op } from '@gatehouse/mesh';
import type { DataSource, EntityManager } from 'typeorm';
import { queryIn } from '../database/bulk-sql.js';
import { chainRows, HOLD_ALL_UNJUDGED_SQL, type OpRow, opFromRow, UNVOID_OPS_SQL } from './op-row.js';
import { OpRejectedError } from './projection.js';
import type { ProjectionRegistry } from './projection-registry.js';
import { ReplayBatch } from './replay-batch.js';

/** Why an op may not take effect: refused outright (not stored), or kept void (stored, never applied). */
export type Verdict = null | { readonly reason: string; readonly keep: boolean };

/** Why an op whose gateway was never admitted (as of its place in the log) is refused. */
export const NOT_ADMITTED = 'not-admitted';

/** The void reason of an op whose kind a later version brought. */
export const UNKNOWN_KIND = 'unknown-kind';

/** A held op its projection refuses (OpRejectedError) is kept void; anything else is thrown on. */
function keptVoid(err: unknown): Verdict {
  if (err instanceof OpRejectedError) return { reason: err.reason, keep: true };
  throw err;
}

/**
 * An op of a kind this version does not know is kept void, a link of its
 * author's chain: refusing it would cut off that gateway's later ops until
 * this one is upgraded. It takes effect at the first rebuild after the
 * upgrade (OpLogService.settleOwedReconciliation).
 */
export const unknownKind = (projections: ProjectionRegistry, op: Pick<Op, 'kind'>): Verdict =>
  projections.knows(op.kind) ? null : { reason: `${UNKNOWN_KIND} (${op.kind})`, keep: true };

/** Judges the authority of ops in log order, inside one transaction. */
export interface OpAuthority {
  judge(op: Op): Promise<Verdict>;
  /** `op` took effect: later ops in the same transaction may rest on it. */
  applied(op: Op): void;
  /** `op` was kept void: nothing may rest on it. */
  voided(op: Op): void;
}

export type AuthorityFactory = (tx: EntityManager) => OpAuthority;

/** Op kinds whose arrival can change the verdict on other ops. */
export const AUTHORITY_KINDS: ReadonlySet<string> = new Set([
  'org.created',
  'member.role',
  'invite.created',
  'invite.revoked',
  'invite.redeemed',
  'gateway.invited',
  'gateway.admitted',
  'gateway.revoked',
  // Custom roles (voter, start and transition roles), and the versions that name start and transition roles.
  'workflow.roleGranted',
  'workflow.published',
]);

/**
 * Op kinds that say who may act on a thing (a decision's proposer may close
 * it and its voter roles may vote, a comment's author may delete it, an
 * item's workflow says who may move it on), and the
 * ops that rest on them: of `kind`, about the thing itself, or (`under`)
 * about `<thing>/...` (a ballot's entity is `<decision>/<voter>`). Only such
 * an op held for the same thing can get another verdict.
 */
const MAKER_KINDS: ReadonlyMap<string, readonly { kind: string; under?: true }[]> = new Map([
  ['decision.created', [{ kind: 'decision.closed' }, { kind: 'decision.voted', under: true }]],
  ['blog.comment', [{ kind: 'blog.commentDeleted' }]],
  ['workflow.itemStarted', [{ kind: 'workflow.itemTransitioned' }]],
  // A migration changes which version's transition roles apply to the item's later transitions.
  ['workflow.itemMigrated', [{ kind: 'workflow.itemTransitioned' }]],
]);

const PAGE = 500;

/** Whether storing `op` may change the verdict on ops held already (needsRebuild then looks). */
export const mayChangeVerdicts = (op: Pick<Op, 'kind'>) =>
  AUTHORITY_KINDS.has(op.kind) || MAKER_KINDS.has(op.kind);

/**
 * gateway_setting key set in the transaction that stores such an op, and
 * cleared once its reconciliation has committed: a reconciliation cut short
 * (a crash after the ingest's commit, a failed rebuild) is owed at the next
 * start (OpLogService.settleOwedReconciliation).
 */
export const RECONCILE_OWED = 'oplog.reconcile-owed';
export const OWE_RECONCILIATION_SQL = `INSERT INTO gateway_setting (key, value) VALUES ('${RECONCILE_OWED}', '1')
  ON CONFLICT (key) DO UPDATE SET value = excluded.value`;
export const SETTLE_RECONCILIATION_SQL = `DELETE FROM gateway_setting WHERE key = '${RECONCILE_OWED}'`;

export class AuthorityReconciler {
  constructor(
    private readonly db: DataSource,
    private readonly projections: ProjectionRegistry,
  ) {}

  /**
   * After an ingest stored `stored`: whether ops held from before, placed
   * after an authority op among them, now get another verdict. Runs under
   * the log's write lock.
   */
  async needsRebuild(stored: readonly Op[], authority: AuthorityFactory): Promise<boolean> {
    const earliest = new Map<string, Op>();
    for (const op of stored) {
      if (!AUTHORITY_KINDS.has(op.kind) && !(await this.actedOn(op))) continue;
      const known = earliest.get(op.org);
      if (!known || compareOps(op, known) < 0) earliest.set(op.org, op);
    }
    if (!earliest.size) return false;
    const fresh = new Set(stored.map((op) => op.id));
    for (const from of earliest.values()) {
      if (await this.tailDisagrees(from, fresh, authority)) return true;
    }
    return false;
  }

  /** Whether `op` names the maker of a thing that an op held already acts on. */
  private async actedOn(op: Op): Promise<boolean> {
    for (const dependent of MAKER_KINDS.get(op.kind) ?? []) {
      // '0' follows '/': the range holds exactly the entities that start with `<entity>/`.
      const rows = await this.db.query(
        dependent.under
          ? 'SELECT 1 FROM op_chain WHERE org = ? AND kind = ? AND entity >= ? AND entity < ? LIMIT 1'
          : 'SELECT 1 FROM op_chain WHERE org = ? AND kind = ? AND entity = ? LIMIT 1',
        dependent.under
          ? [op.org, dependent.kind, `${op.entity}/`, `${op.entity}0`]
          : [op.org, dependent.kind, op.entity],
      );
      if (rows.length) return true;
    }
    return false;
  }

  /** Judges again, in order, the ops placed after `from`; true at the first changed verdict. */
  private async tailDisagrees(
    from: Op,
    fresh: ReadonlySet<string>,
    authority: AuthorityFactory,
  ): Promise<boolean> {
    const [older] = await this.db.query(
      `SELECT 1 FROM op_chain WHERE org = ? AND (hlc, author, seq) > (?, ?, ?) AND id NOT IN (${[...fresh].map(() => '?').join(',')}) LIMIT 1`,
      [from.org, from.hlc, from.author, from.seq, ...fresh],
    );
    // Everything after it arrived with it, and was judged after it.
    if (!older) return false;
    return this.db.transaction(async (tx) => {
      const judge = authority(tx);
      let after: [string, string, number] = [from.hlc, from.author, from.seq];
      for (;;) {
        const rows = await chainRows<OpRow>(
          tx,
          {
            select: 'id, org, author, seq, hlc, kind, entity, body, sig, received_at, sig_verified',
            where: 'org = ? AND (hlc, author, seq) > (?, ?, ?)',
            params: [from.org, ...after],
            orderBy: 'hlc, author, seq',
            limit: PAGE,
          },
          compareOps,
        );
        for (const row of rows) {
          const wasVoid = row.void_reason != null;
          const verdict = await this.verdictOn(judge, opFromRow(row), wasVoid);
          if (!!verdict !== wasVoid) return true;
        }
        if (rows.length < PAGE) return false;
        const last = rows[rows.length - 1];
        after = [last.hlc, last.author, last.seq];
      }
    });
  }

  /**
   * The verdict on an op held already: its kind (unknown to this version),
   * and for one never applied here (void until now) its payload, which a
   * kind known since it arrived may find unfit (a later version's op, or a
   * dishonest author's): kept void then. Then its authority.
   */
  private async verdictOn(judge: OpAuthority, op: Op, neverApplied: boolean): Promise<Verdict> {
    const unknown = unknownKind(this.projections, op);
    if (unknown) return unknown;
    if (neverApplied) {
      try {
        this.projections.check(op);
      } catch (err) {
        return keptVoid(err);
      }
    }
    return judge.judge(op);
  }

  /**
   * Empties every projection and replays the log in order. With `authority`,
   * each op is judged afresh on the way: effective ops are applied, the
   * others kept in op_void. Without, the effective log is replayed as it is.
   * Returns how many ops were replayed (judged, with `authority`) and how many are void.
   *
   * Judging, every op first waits in op_void (UNJUDGED) and enters `op` only
   * when judged effective. Projections that read ahead in `op` (the thing an
   * op modifies may arrive after it) then see only the ops judged so far, as
   * on a gateway that received the log in order: an op voided further on
   * must not show through an earlier op's read-ahead.
   */
  async rebuild(tx: EntityManager, authority?: AuthorityFactory): Promise<{ ops: number; void: number }> {
    if (!authority) {
      const batch = new ReplayBatch(tx, this.projections);
      const ops = await this.replay(tx, 'op', async (op) => {
        if (batch.takes(op)) return batch.add(op);
        await batch.flush();
        await this.projections.apply(tx, op);
      });
      await batch.flush();
      return { ops, void: 0 };
    }
    const wasVoid = new Set((await tx.query('SELECT id FROM op_void')).map((r: { id: string }) => r.id));
    for (const sql of HOLD_ALL_UNJUDGED_SQL) await tx.query(sql);
    const judge = authority(tx);
    const batch = new ReplayBatch(tx, this.projections, async (ids) => {
      for (const sql of UNVOID_OPS_SQL) await queryIn(tx, sql, [], ids);
    });
    let voided = 0;
    const ops = await this.replay(tx, 'op_void', async (op) => {
      const neverApplied = wasVoid.has(op.id);
      let verdict = await this.verdictOn(judge, op, neverApplied);
      if (!verdict && !neverApplied && batch.takes(op)) {
        await batch.add(op);
        judge.applied(op);
        return;
      }
      if (!verdict) {
        await batch.flush();
        verdict = await this.admit(tx, op, neverApplied);
      }
      if (verdict) {
        // Already stored: a refusal can no longer be one, so any verdict keeps the op void.
        await tx.query('UPDATE op_void SET void_reason = ? WHERE id = ?', [verdict.reason, op.id]);
        judge.voided(op);
        voided += 1;
      } else judge.applied(op);
    });
    await batch.flush();
    return { ops, void: voided };
  }

  /**
   * Moves an op the judge lets take effect into `op` and applies it. One
   * never applied here meets its projection's own checks for the first
   * time: under a savepoint, so one that refuses it (OpRejectedError) is
   * kept void, not the rebuild failed.
   */
  private async admit(tx: EntityManager, op: Op, neverApplied: boolean): Promise<Verdict> {
    const enter = async () => {
      for (const sql of UNVOID_OPS_SQL) await queryIn(tx, sql, [], [op.id]);
      await this.projections.apply(tx, op);
    };
    if (!neverApplied) {
      await enter();
      return null;
    }
    await tx.query('SAVEPOINT rebuild_op');
    try {
      await enter();
      await tx.query('RELEASE rebuild_op');
      return null;
    } catch (err) {
      await tx.query('ROLLBACK TO rebuild_op');
      await tx.query('RELEASE rebuild_op');
      return keptVoid(err);
    }
  }

  /** Empties every projection and hands each op of `table` to `step`, in log order; returns how many. */
  private async replay(
    tx: EntityManager,
    table: 'op' | 'op_void',
    step: (op: Op) => Promise<void>,
  ): Promise<number> {
    for (const p of this.projections.all) await p.clear(tx);
    let count = 0;
    let after: [string, string, string, number] = ['', '', '', 0];
    for (;;) {
      // Keyed on the last position, not an offset: `step` may move the ops read out of `table`.
      const rows: OpRow[] = await tx.query(
        `SELECT * FROM ${table} WHERE (org, hlc, author, seq) > (?, ?, ?, ?) ORDER BY org, hlc, author, seq LIMIT ?`,
        [...after, PAGE],
      );
      for (const row of rows) await step(opFromRow(row));
      count += rows.length;
      if (rows.length < PAGE) return count;
      const last = rows[rows.length - 1];
      after = [last.org, last.hlc, last.author, last.seq];
    }
  }
}
