import { decodeOp, type Op } from '@gatehouse/mesh';
import type { EntityManager } from 'typeorm';

/** The `op` table's row as sqlite3 returns it. */
export interface OpRow {
  id: string;
  org: string;
  author: string;
  seq: number;
  hlc: string;
  kind: string;
  entity: string;
  body: Uint8Array;
  /** The signature as received; only a real one where `sig_verified` is 1 (see opInsertParams). */
  sig: Uint8Array;
  received_at: number;
  /** 1: this gateway made or verified `sig`. 0: unchecked (possibly garbage, or NO_SIGNATURE). */
  sig_verified: number;
  /** Only in `op_chain`: why the op is void, or null when it is effective. */
  void_reason?: string | null;
}

export function opFromRow(row: OpRow): Op {
  return decodeOp(new Uint8Array(row.body), new Uint8Array(row.sig));
}

/** The `op` table's columns in opInsertParams order. */
export const OP_COLUMN_NAMES = [
  'id',
  'org',
  'author',
  'seq',
  'hlc',
  'kind',
  'entity',
  'body',
  'sig',
  'received_at',
  'sig_verified',
] as const;
const OP_COLUMNS = OP_COLUMN_NAMES.join(', ');

export const INSERT_OP_SQL = `INSERT INTO op (${OP_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** A void op (see the op_void migration): the same columns and why it has no effect. */
export const INSERT_VOID_OP_SQL = `INSERT INTO op_void (${OP_COLUMNS}, void_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** Moves void ops into the effective log, keeping every column (queryIn: `IN (?)` is their ids). */
export const UNVOID_OPS_SQL = [
  `INSERT INTO op (${OP_COLUMNS}) SELECT ${OP_COLUMNS} FROM op_void WHERE id IN (?)`,
  'DELETE FROM op_void WHERE id IN (?)',
] as const;

/** The void reason of an op waiting to be judged again by a rebuild (AuthorityReconciler.rebuild). */
export const UNJUDGED = 'unjudged';
/** Moves the whole effective log to op_void, UNJUDGED: the start of a rebuild that judges every op. */
export const HOLD_ALL_UNJUDGED_SQL = [
  `INSERT INTO op_void (${OP_COLUMNS}, void_reason) SELECT ${OP_COLUMNS}, '${UNJUDGED}' FROM op`,
  'DELETE FROM op',
] as const;

/** A Buffer over the same memory (sqlite3 copies what it binds): received ops are views into their sync frame. */
const bufferView = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * `sigVerified`: whether this gateway signed the op or verified its signature.
 * A received run has only its newest signature verified (verifyRun); the
 * others are stored unchecked and never sent on as signatures.
 */
export function opInsertParams(op: Op, receivedAt: number, sigVerified = false): unknown[] {
  return [
    op.id,
    op.org,
    op.author,
    op.seq,
    op.hlc,
    op.kind,
    op.entity,
    bufferView(op.bytes),
    bufferView(op.sig),
    receivedAt,
    sigVerified ? 1 : 0,
  ];
}

/** A DataSource or a transaction's EntityManager. */
type Queryable = Pick<EntityManager, 'query'>;

/**
 * Rows of `op` and `op_void` together (void ones with their `void_reason`),
 * in `orderBy` order, at most `limit`. Each table is read through its own
 * index and the two short lists merged here: SQLite would first collect and
 * sort every matching row of the `op_chain` view (a UNION ALL) to answer an
 * ORDER BY with a LIMIT, which made each sync batch cost the whole chain.
 */
export async function chainRows<T>(
  db: Queryable,
  q: { select: string; where: string; params: unknown[]; orderBy: string; limit: number },
  compare: (a: T, b: T) => number,
): Promise<T[]> {
  const effective: T[] = await db.query(
    `SELECT ${q.select}, NULL AS void_reason FROM op WHERE ${q.where} ORDER BY ${q.orderBy} LIMIT ?`,
    [...q.params, q.limit],
  );
  const voided: T[] = await db.query(
    `SELECT ${q.select}, void_reason FROM op_void WHERE ${q.where} ORDER BY ${q.orderBy} LIMIT ?`,
    [...q.params, q.limit],
  );
  if (!voided.length) return effective;
  return [...effective, ...voided].sort(compare).slice(0, q.limit);
}

export const bySeq = (a: { seq: number }, b: { seq: number }) => a.seq - b.seq;
/** An author's newest op held in an organisation, effective or void. */
export async function chainTip(
  db: Queryable,
  org: string,
  author: string,
): Promise<{ seq: number; id: string; hlc: string } | undefined> {
  const [tip] = await chainRows<{ seq: number; id: string; hlc: string }>(
    db,
    {
      select: 'seq, id, hlc',
      where: 'org = ? AND author = ?',
      params: [org, author],
      orderBy: 'seq DESC',
      limit: 1,
    },
    (a, b) => b.seq - a.seq,
  );
  return tip;
}

/**
 * The last op (in log order) of a kind about an entity that the log already
 * holds. Projections use it when the thing an op modifies arrives after the op.
 */
export async function latestOp(
  tx: { query: (sql: string, params?: unknown[]) => Promise<OpRow[]> },
  org: string,
  kind: string,
  entity: string,
): Promise<Op | null> {
  const [row] = await tx.query(
    'SELECT * FROM op WHERE org = ? AND kind = ? AND entity = ? ORDER BY hlc DESC, author DESC, seq DESC LIMIT 1',
    [org, kind, entity],
  );
  return row ? opFromRow(row) : null;
}
