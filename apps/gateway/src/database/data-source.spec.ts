import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { databasePath, openDatabase } from './data-source.js';

const pragma = async (db: { query: (sql: string) => Promise<Record<string, unknown>[]> }, name: string) =>
  Object.values((await db.query(`PRAGMA ${name}`))[0])[0];

describe('openDatabase', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-db-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('creates a new database with 8 KiB pages, in WAL mode, with a 128 MB WAL backstop, cut back to 64 MB', async () => {
    const db = await openDatabase(tempDir());
    try {
      expect(await pragma(db, 'page_size')).toBe(8192);
      expect(await pragma(db, 'journal_mode')).toBe('wal');
      expect(await pragma(db, 'wal_autocheckpoint')).toBe(16384);
      expect(await pragma(db, 'journal_size_limit')).toBe(64 * 1024 * 1024);
    } finally {
      await db.destroy();
    }
  });

  it('keeps the page size of an existing database and sizes the backstop by it', async () => {
    const dir = tempDir();
    // A database made before 8 KiB pages: SQLite's default 4 KiB, already in WAL mode.
    await new Promise<void>((resolve, reject) => {
      const old = new sqlite3.Database(databasePath(dir), (err) => {
        if (err) return reject(err);
        old.exec('PRAGMA journal_mode = WAL; CREATE TABLE kept (id INTEGER PRIMARY KEY)', (e) =>
          e ? reject(e) : old.close((c) => (c ? reject(c) : resolve())),
        );
      });
    });
    const db = await openDatabase(dir);
    try {
      expect(await pragma(db, 'page_size')).toBe(4096);
      expect(await pragma(db, 'journal_mode')).toBe('wal');
      expect(await pragma(db, 'wal_autocheckpoint')).toBe(32768);
      expect(await db.query('SELECT count(*) AS n FROM kept')).toEqual([{ n: 0 }]);
    } finally {
      await db.destroy();
    }
  });
});
