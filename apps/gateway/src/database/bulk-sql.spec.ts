import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertRows, queryIn } from './bulk-sql.js';
import { openDatabase } from './data-source.js';

describe('bulk SQL helpers', () => {
  let dir: string;
  let db: DataSource;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-bulk-'));
    db = await openDatabase(dir);
    await db.query('CREATE TABLE t (k INTEGER PRIMARY KEY, a TEXT, b TEXT)');
  });
  afterAll(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('inserts more rows than one statement may bind, in order, with a tail', async () => {
    // 3 columns x 25,000 rows: 75,000 parameters, beyond SQLite's 32,766 per statement.
    const rows = Array.from({ length: 25_000 }, (_, k) => [k, `a${k}`, 'b']);
    await insertRows(db.manager, 't', ['k', 'a', 'b'], rows);
    await insertRows(
      db.manager,
      't',
      ['k', 'a', 'b'],
      [[7, 'again', 'x']],
      'ON CONFLICT (k) DO UPDATE SET b = excluded.b',
    );
    const [{ n }] = await db.query('SELECT count(*) AS n FROM t');
    expect(n).toBe(25_000);
    expect(await db.query('SELECT a, b FROM t WHERE k IN (0, 7, 24999) ORDER BY k')).toEqual([
      { a: 'a0', b: 'b' },
      { a: 'a7', b: 'x' },
      { a: 'a24999', b: 'b' },
    ]);
  });

  it('binds values every row shares once, next to the values of each row', async () => {
    await db.query(
      'CREATE TABLE s (k INTEGER PRIMARY KEY, same TEXT, n INTEGER, absent TEXT, own TEXT, blob BLOB)',
    );
    const rows = Array.from({ length: 300 }, (_, k) => [
      k,
      'shared',
      7,
      null,
      `own ${k}`,
      Buffer.from([k % 256]),
    ]);
    await insertRows(db.manager, 's', ['k', 'same', 'n', 'absent', 'own', 'blob'], rows);
    // A column shared in one statement and not in another, and one-row statements (all shared).
    await insertRows(
      db.manager,
      's',
      ['k', 'same', 'n', 'absent', 'own', 'blob'],
      [[300, 'x', 1, 'y', 'z', Buffer.from([1])]],
    );
    await insertRows(
      db.manager,
      's',
      ['k', 'same', 'n', 'absent', 'own', 'blob'],
      [
        [301, 'a', 1, null, 'p', Buffer.from([2])],
        [302, 'b', 1, 'set', 'q', Buffer.from([3])],
      ],
    );
    const stored = await db.query('SELECT k, same, n, absent, own, blob FROM s ORDER BY k');
    expect(stored.length).toBe(303);
    expect(stored.slice(0, 300).map((r: { blob: Buffer }) => ({ ...r, blob: [...r.blob] }))).toEqual(
      rows.map(([k, same, n, absent, own, blob]) => ({
        k,
        same,
        n,
        absent,
        own,
        blob: [...(blob as Buffer)],
      })),
    );
    expect(
      stored
        .slice(300)
        .map((r: { k: number; same: string; absent: string | null }) => [r.k, r.same, r.absent]),
    ).toEqual([
      [300, 'x', 'y'],
      [301, 'a', null],
      [302, 'b', 'set'],
    ]);
  });

  it('runs an IN query over any number of values, and nothing for none', async () => {
    const keys = Array.from({ length: 40_000 }, (_, k) => k * 2);
    const found = await queryIn<{ k: number }>(
      db.manager,
      'SELECT k FROM t WHERE b = ? AND k IN (?)',
      ['b'],
      keys,
    );
    // The even keys below 25,000 (k = 7, whose b changed, is odd).
    expect(found.length).toBe(12_500);
    expect(await queryIn(db.manager, 'SELECT k FROM t WHERE k IN (?)', [], [])).toEqual([]);
    await queryIn(db.manager, 'DELETE FROM t WHERE k IN (?)', [], keys);
    const [{ n }] = await db.query('SELECT count(*) AS n FROM t');
    expect(n).toBe(12_500);
  });
});
