/**
 * The receiving side of the op log, one transaction at a time: chain and
 * signature checks per author run, authority verdicts in log order (applied,
 * kept void, or refused), projections applied. OpLogService runs it under
 * the write lock and retries it as RetryOpByOp and WithholdRuns ask.
 */
import { compareOps, contradictionReason, type Op, verifyOpSignature, verifyRun } from '@gatehouse/mesh';
import type { DataSource } from 'typeorm';
import { insertRows } from '../database/bulk-sql.js';
import {
  type AuthorityFactory,
  mayChangeVerdicts,
  NOT_ADMITTED,
  OWE_RECONCILIATION_SQL,
  unknownKind,
} from './authority-reconciler.js';
import { chainTip, INSERT_OP_SQL, INSERT_VOID_OP_SQL, OP_COLUMN_NAMES, opInsertParams } from './op-row.js';
import { OpRejectedError } from './projection.js';
import type { ProjectionRegistry } from './projection-registry.js';

export interface IngestOptions {
  /** Checks admission and roles (the mesh receiving path); without it only authenticity is checked. */
  authority?: AuthorityFactory;
}

export interface IngestResult {
  /** Stored and applied. */
  applied: Op[];
  /** Stored as links of their authors' chains, without effect: no authority as of their place. */
  voided: { op: Op; reason: string }[];
  duplicates: number;
  /** Not stored. */
  rejected: { id: string; author: string; seq: number; reason: string }[];
  /** Second ops signed by their author for a seq it had used: kept as evidence (fork_evidence). */
  forks: { org: string; author: string; seq: number; heldId: string; otherId: string }[];
  /** Whether a late change of authority made every projection be rebuilt. */
  rebuilt: boolean;
}

/** Thrown inside an ingest transaction to roll it back and redo it with a savepoint per op. */
export class RetryOpByOp extends Error {}

/**
 * Thrown inside an ingest transaction to roll it back and redo it without
 * these (org, author) runs: each was cut by a refusal before its verified
 * newest op, and what would be kept of it ends at an op whose signature is
 * not valid, so this gateway could never send it on.
 */
export class WithholdRuns extends Error {
  constructor(readonly refusals: ReadonlyMap<string, ReadonlyMap<string, string>>) {
    super('runs withheld');
  }
}

export interface IngestAttempt {
  opByOp: boolean;
  /** (org, author) runs refused whole this time: op id -> why it was refused the time before. */
  readonly withheld: Map<string, ReadonlyMap<string, string>>;
}

const chainKey = (op: Pick<Op, 'org' | 'author'>) => `${op.org}\0${op.author}`;

/** Groups ops by (org, author), each group sorted by seq, each op once (its id hashes its body). */
function runsOf(ops: readonly Op[]): Op[][] {
  const groups = new Map<string, Op[]>();
  const seen = new Set<string>();
  for (const op of ops) {
    if (seen.has(op.id)) continue;
    seen.add(op.id);
    const key = chainKey(op);
    const group = groups.get(key) ?? [];
    group.push(op);
    groups.set(key, group);
  }
  return [...groups.values()].map((g) => g.sort((a, b) => a.seq - b.seq));
}

/**
 * One ingest transaction. Fast path (`opByOp` false): no savepoints; ops of
 * projections with applyBatch wait and are stored and applied together (a
 * few statements for a whole sync batch instead of a dozen per op), in log
 * order with the others; the first op a projection refuses aborts the whole
 * transaction with RetryOpByOp. Refusals by the authority judge need no
 * rollback: nothing was written for them.
 */
export async function ingestOnce(
  db: DataSource,
  projections: ProjectionRegistry,
  ops: readonly Op[],
  options: IngestOptions,
  { opByOp, withheld }: IngestAttempt,
): Promise<IngestResult> {
  const result: IngestResult = {
    applied: [],
    voided: [],
    duplicates: 0,
    rejected: [],
    forks: [],
    rebuilt: false,
  };
  await db.transaction(async (tx) => {
    const fresh: Op[] = [];
    /** Per (org, author): the id of the op whose signature verifyRun checked. */
    const signed = new Map<string, string>();
    for (const run of runsOf(ops)) {
      const { org, author } = run[0];
      const tip = await chainTip(tx, org, author);
      // A run that contradicts the chain held is the sender's fault unless the author signed it (one check).
      let reason: string | undefined;
      const contradiction = () => {
        reason ??= contradictionReason(run);
        return reason;
      };
      let unheld = run;
      if (tip) {
        const held = run.filter((op) => op.seq <= tip.seq);
        unheld = run.filter((op) => op.seq > tip.seq);
        for (const op of held) {
          const [same] = await tx.query('SELECT id FROM op_chain WHERE org = ? AND author = ? AND seq = ?', [
            org,
            author,
            op.seq,
          ]);
          if (same?.id === op.id) {
            result.duplicates += 1;
            continue;
          }
          result.rejected.push({ id: op.id, author, seq: op.seq, reason: contradiction() });
          // Evidence against the author only if the author really signed it (one check, rare).
          if (same && verifyOpSignature(op)) {
            await tx.query(
              'INSERT OR IGNORE INTO fork_evidence (other_id, org, author, seq, held_id, other_body, other_sig, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
              [op.id, org, author, op.seq, same.id, Buffer.from(op.bytes), Buffer.from(op.sig), Date.now()],
            );
            result.forks.push({ org, author, seq: op.seq, heldId: same.id, otherId: op.id });
          }
        }
      }
      if (!unheld.length) continue;
      const verdict = verifyRun(unheld, tip ?? null);
      if (!verdict.ok) {
        const reason = verdict.reason === 'broken-chain' ? contradiction() : verdict.reason;
        for (const op of unheld) result.rejected.push({ id: op.id, author, seq: op.seq, reason });
        continue;
      }
      fresh.push(...unheld);
      signed.set(chainKey(run[0]), unheld[unheld.length - 1].id);
    }
    const authority = options.authority?.(tx);
    /** Per (org, author) with a refused op: op id -> reason. */
    const refused = new Map<string, Map<string, string>>();
    /** Per (org, author): the newest op stored (applied or void). */
    const newest = new Map<string, Op>();
    /** Fast path: effective ops of batching projections, stored and applied together by flush(). */
    const waiting: { op: Op; row: unknown[] }[] = [];
    const flush = async () => {
      const run = waiting.splice(0);
      if (!run.length) return;
      await insertRows(
        tx,
        'op',
        OP_COLUMN_NAMES,
        run.map((w) => w.row),
      );
      await projections.applyBatch(
        tx,
        run.map((w) => w.op),
      );
    };
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
      // The payload's schema first: the judge reads payloads, and a void op is checked no further.
      // A kind this version does not know has no schema here, nor rules of its own: kept void
      // (unknownKind) unless its gateway was never admitted, whatever else the judge would say.
      const unknown = unknownKind(projections, op);
      try {
        if (!unknown) projections.check(op);
      } catch (err) {
        refuse(err instanceof OpRejectedError ? err.reason : (err as Error).message);
        continue;
      }
      const judged = authority ? await authority.judge(op) : null;
      if (judged && !judged.keep && (!unknown || judged.reason.startsWith(NOT_ADMITTED))) {
        refuse(judged.reason);
        continue;
      }
      const verdict = unknown ?? judged;
      // Only the op whose signature verifyRun checked is stored as verified.
      const row = opInsertParams(op, Date.now(), signed.get(chain) === op.id);
      if (verdict) {
        await tx.query(INSERT_VOID_OP_SQL, [...row, verdict.reason]);
        authority?.voided(op);
        result.voided.push({ op, reason: verdict.reason });
        if (op.seq > (newest.get(chain)?.seq ?? 0)) newest.set(chain, op);
        continue;
      }
      if (!opByOp) {
        try {
          if (projections.batches(op.kind)) waiting.push({ op, row });
          else {
            // Keeps the order: what this op's projection reads may rest on the waiting ops.
            await flush();
            await tx.query(INSERT_OP_SQL, row);
            await projections.apply(tx, op);
          }
        } catch {
          throw new RetryOpByOp();
        }
      } else {
        await tx.query('SAVEPOINT ingest_op');
        try {
          await tx.query(INSERT_OP_SQL, row);
          await projections.apply(tx, op);
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
    try {
      await flush();
    } catch {
      throw new RetryOpByOp();
    }
    // A run cut short by a refusal ends at an op whose signature was not checked: check it now.
    const unsendable = new Map<string, ReadonlyMap<string, string>>();
    for (const [chain, why] of refused) {
      const end = newest.get(chain);
      if (!end || end.id === signed.get(chain)) continue;
      if (verifyOpSignature(end)) {
        for (const table of ['op', 'op_void'])
          await tx.query(`UPDATE ${table} SET sig_verified = 1 WHERE id = ?`, [end.id]);
      } else unsendable.set(chain, why);
    }
    if (unsendable.size) throw new WithholdRuns(unsendable);
    // Committed with the ops it is about: see RECONCILE_OWED.
    if (authority && [...result.applied, ...result.voided.map((v) => v.op)].some(mayChangeVerdicts))
      await tx.query(OWE_RECONCILIATION_SQL);
  });
  return result;
}
