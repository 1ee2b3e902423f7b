import type { EntityManager } from 'typeorm';

/** A DataSource or a transaction's EntityManager. */
export type Queryable = Pick<EntityManager, 'query'>;

/** Bound parameters per statement: SQLite (3.32 and later) allows 32,766. */
const MAX_PARAMS = 30_000;

/**
 * `INSERT INTO table (columns) VALUES (...), (...) tail` over `rows`, in as
 * few statements as the parameter limit allows. Each statement costs a round
 * trip to sqlite3's worker thread (about 100 µs under load); a row inside one
 * costs SQLite a few microseconds.
 *
 * A column holding the same string, number or null in every row of a
 * statement is bound once (`?N`, named in each tuple): sqlite3 converts each
 * bound value on the main thread at about 0.25 µs apiece. For the rows of
 * a sync batch (one organisation, one kind, mostly the same flags) this
 * cut binding from about 8 to 5 µs an op.
 */
export async function insertRows(
  db: Queryable,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  tail = '',
): Promise<void> {
  for (const chunk of chunks(rows, Math.floor(MAX_PARAMS / columns.length))) {
    const shared = columns.map((_, c) => sharedValue(chunk, c));
    const params: unknown[] = [];
    const slot = columns.map((_, c) => {
      if (shared[c] === NOT_SHARED) return null;
      params.push(shared[c]);
      return `?${params.length}`;
    });
    const tuples: string[] = [];
    for (const row of chunk) {
      let next = params.length;
      tuples.push(`(${slot.map((s) => s ?? `?${++next}`).join(', ')})`);
      for (let c = 0; c < columns.length; c++) if (slot[c] === null) params.push(row[c]);
    }
    await db.query(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')} ${tail}`,
      params,
    );
  }
}

const NOT_SHARED = Symbol('not shared');

/** The value column `c` has in every row, when it is a string, number or null; NOT_SHARED otherwise. */
function sharedValue(rows: readonly (readonly unknown[])[], c: number): unknown {
  const first = rows[0][c];
  if (!(first === null || typeof first === 'string' || typeof first === 'number')) return NOT_SHARED;
  for (let r = 1; r < rows.length; r++) if (rows[r][c] !== first) return NOT_SHARED;
  return first;
}

/**
 * Runs `sql` (a SELECT, or a write) once per chunk of `values`, with `(?, ?, ...)` for the chunk in
 * place of `IN (?)`, after `before` parameters; returns all rows.
 */
export async function queryIn<T>(
  db: Queryable,
  sql: string,
  before: readonly unknown[],
  values: readonly unknown[],
): Promise<T[]> {
  if (!sql.includes('IN (?)')) throw new Error('queryIn needs an IN (?) placeholder');
  const out: T[] = [];
  for (const chunk of chunks(values, MAX_PARAMS - before.length)) {
    const rows: T[] | undefined = await db.query(
      sql.replace('IN (?)', `IN (${chunk.map(() => '?').join(', ')})`),
      [...before, ...chunk],
    );
    // (TypeORM answers a DELETE with no rows at all.)
    if (Array.isArray(rows)) out.push(...rows);
  }
  return out;
}

function* chunks<T>(items: readonly T[], size: number): Generator<readonly T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
