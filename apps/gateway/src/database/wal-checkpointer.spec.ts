import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databasePath, openDatabase } from './data-source.js';
import { WalCheckpointer } from './wal-checkpointer.js';

describe('WalCheckpointer', () => {
  let dir: string;
  let db: DataSource;
  let checkpointer: WalCheckpointer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-wal-'));
    db = await openDatabase(dir);
    // Migrations that reshape a table leave free pages, which new rows would fill before the file grows.
    await db.query('VACUUM');
    // A long interval: the test runs the checkpoints itself.
    checkpointer = await WalCheckpointer.open(databasePath(dir), 3_600_000);
  });
  afterAll(async () => {
    await checkpointer.close();
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies committed writes from the log into the database file, beside the writer', async () => {
    await db.query('CREATE TABLE blob_test (id INTEGER PRIMARY KEY, data BLOB)');
    await checkpointer.checkpoint();
    const before = statSync(databasePath(dir)).size;
    await db.transaction(async (tx) => {
      for (let i = 0; i < 8; i++)
        await tx.query('INSERT INTO blob_test (data) VALUES (?)', [Buffer.alloc(256 * 1024, i)]);
    });
    // Committed, but still only in the log: the writers' own checkpoint waits for 128 MB.
    expect(statSync(databasePath(dir)).size).toBe(before);
    const done = await checkpointer.checkpoint();
    expect(done?.log).toBeGreaterThan(0);
    expect(done?.checkpointed).toBe(done?.log);
    expect(statSync(databasePath(dir)).size).toBeGreaterThanOrEqual(before + 2 * 1024 * 1024);
    const [{ n }] = await db.query('SELECT count(*) AS n FROM blob_test');
    expect(n).toBe(8);
  });

  it('does nothing once closed', async () => {
    const other = await WalCheckpointer.open(databasePath(dir), 3_600_000);
    await other.close();
    await expect(other.checkpoint()).resolves.toBeNull();
  });
});
