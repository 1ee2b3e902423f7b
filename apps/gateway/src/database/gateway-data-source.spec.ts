import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from './data-source.js';
import type { GatewayDataSource } from './gateway-data-source.js';

/** A transaction that writes `key`, then waits for `release` before it commits or (`fail`) rolls back. */
function heldOpen(db: GatewayDataSource, key: string, { fail = false } = {}) {
  let release!: () => void;
  let written!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const wrote = new Promise<void>((resolve) => {
    written = resolve;
  });
  const done = db.transaction(async (tx) => {
    await tx.query('INSERT INTO gateway_setting (key, value) VALUES (?, ?)', [key, 'x']);
    written();
    await released;
    if (fail) throw new Error('rolled back');
  });
  return { wrote, release, done };
}

describe('GatewayDataSource', () => {
  let dir: string;
  let db: GatewayDataSource;
  const holds = async (key: string) =>
    (await db.query('SELECT 1 FROM gateway_setting WHERE key = ?', [key])).length > 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-db-'));
    db = await openDatabase(dir);
  });
  afterAll(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a read outside a transaction from what has committed, not from an open transaction', async () => {
    const open = heldOpen(db, 'committed-later');
    await open.wrote;
    expect(await holds('committed-later')).toBe(false);
    const withRead = `WITH k(key) AS (SELECT 'committed-later') SELECT 1 FROM gateway_setting JOIN k USING (key)`;
    expect(await db.query(withRead)).toEqual([]);
    open.release();
    await open.done;
    expect(await holds('committed-later')).toBe(true);

    const failing = heldOpen(db, 'rolled-back', { fail: true });
    await failing.wrote;
    expect(await holds('rolled-back')).toBe(false);
    failing.release();
    await expect(failing.done).rejects.toThrow('rolled back');
    expect(await holds('rolled-back')).toBe(false);
  });

  it("reads, inside a transaction's callback, what the transaction wrote, through the data source too", async () => {
    await db.transaction(async (tx) => {
      await tx.query(`INSERT INTO gateway_setting (key, value) VALUES ('inside', 'x')`);
      expect(await holds('inside')).toBe(true);
      expect((await tx.query(`SELECT 1 FROM gateway_setting WHERE key = 'inside'`)).length).toBe(1);
    });
  });

  it("answers work a transaction's callback left running from what has committed, once it is over", async () => {
    let go!: () => void;
    const gate = new Promise<void>((resolve) => {
      go = resolve;
    });
    let later!: Promise<boolean>;
    await db.transaction(async () => {
      later = gate.then(() => holds('left-running'));
    });
    const open = heldOpen(db, 'left-running');
    await open.wrote;
    go();
    expect(await later).toBe(false);
    open.release();
    await open.done;
  });

  it('sends writes and pragmas outside a transaction to the writer', async () => {
    await db.query(`INSERT INTO gateway_setting (key, value) VALUES ('written', 'x')`);
    expect(await holds('written')).toBe(true);
    expect(Object.values((await db.query('PRAGMA synchronous'))[0])[0]).toBe(2);
    await db.query(
      `WITH k(key) AS (SELECT 'with-insert') INSERT INTO gateway_setting (key, value) SELECT key, 'x' FROM k`,
    );
    expect(await holds('with-insert')).toBe(true);
  });
});
