import { AsyncLocalStorage } from 'node:async_hooks';
import sqlite3 from 'sqlite3';
import { DataSource, type EntityManager, QueryFailedError, type QueryRunner } from 'typeorm';
import type { IsolationLevel } from 'typeorm/driver/types/IsolationLevel.js';

/** Set for the callback of a transaction, and marked closed when it ends. */
const inTransaction = new AsyncLocalStorage<{ open: boolean }>();

/** A SELECT, or a WITH that ends in one (a WITH may also end in a write). */
const READ = /^\s*(SELECT\b|WITH\b(?![\s\S]*\b(INSERT|UPDATE|DELETE|REPLACE)\b))/i;

/**
 * The gateway's database: TypeORM's single SQLite connection for writes and
 * everything inside a transaction, and a second, read-only connection for
 * SELECTs made outside one. On the one connection a read sent while a
 * transaction is open sees what that transaction has written so far (a
 * rebuild's emptied tables, half a sync batch), and waits behind its
 * statements. On the second it sees only what has committed: WAL gives
 * each statement a snapshot of the last commit.
 *
 * Inside a transaction's callback every query stays on the writer, whether
 * sent through the transaction's manager or not: it may read what the
 * transaction wrote.
 */
export class GatewayDataSource extends DataSource {
  private reader: sqlite3.Database | null = null;

  /** Opens the read connection: after migrations and `journal_mode = WAL`, which readers need. */
  async openReader(path: string, pragmas: readonly string[]): Promise<void> {
    const reader = await new Promise<sqlite3.Database>((resolve, reject) => {
      const opened: sqlite3.Database = new sqlite3.Database(path, sqlite3.OPEN_READONLY, (err) =>
        err ? reject(err) : resolve(opened),
      );
    });
    for (const pragma of pragmas) await run(reader, pragma);
    this.reader = reader;
  }

  // biome-ignore lint/suspicious/noExplicitAny: TypeORM's own signature.
  override async query<T = any>(sql: string, parameters?: any[], queryRunner?: QueryRunner): Promise<T> {
    const reader = this.reader;
    if (!reader || queryRunner || inTransaction.getStore()?.open || !READ.test(sql))
      return super.query<T>(sql, parameters, queryRunner);
    return new Promise<T>((resolve, reject) =>
      reader.all(sql, parameters ?? [], (err, rows) =>
        err ? reject(new QueryFailedError(sql, parameters, err)) : resolve(rows as T),
      ),
    );
  }

  override transaction<T>(run: (manager: EntityManager) => Promise<T>): Promise<T>;
  override transaction<T>(isolation: IsolationLevel, run: (manager: EntityManager) => Promise<T>): Promise<T>;
  // biome-ignore lint/suspicious/noExplicitAny: both of TypeORM's overloads pass through.
  override transaction(...args: any[]): Promise<any> {
    const at = args.findIndex((arg) => typeof arg === 'function');
    const callback = args[at];
    const state = { open: true };
    args[at] = (manager: unknown) => inTransaction.run(state, () => callback(manager));
    // biome-ignore lint/suspicious/noExplicitAny: see above.
    return (super.transaction as (...a: any[]) => Promise<any>)(...args).finally(() => {
      // Work the callback left running keeps the store: from now on it is outside the transaction.
      state.open = false;
    });
  }

  override async destroy(): Promise<void> {
    const reader = this.reader;
    this.reader = null;
    if (reader) await new Promise<void>((resolve) => reader.close(() => resolve()));
    await super.destroy();
  }
}

const run = (db: sqlite3.Database, sql: string) =>
  new Promise<void>((resolve, reject) => db.run(sql, (err) => (err ? reject(err) : resolve())));
