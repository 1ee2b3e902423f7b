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
 */
export async function insertRows(
  db: Queryable,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  tail = '',
): Promise<void> {
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  for (const chunk of chunks(rows, Math.floor(MAX_PARAMS / columns.length))) {
    await db.query(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${chunk.map(() => tuple).join(', ')} ${tail}`,
      chunk.flat(),
    );
  }
}

/**
 * Runs `sql` (a SELECT or a DELETE) once per chunk of `values`, with `(?, ?, ...)` for the chunk in
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
