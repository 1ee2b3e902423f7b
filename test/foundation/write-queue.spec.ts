/**
 * The gateway has one SQLite connection. A statement sent on it while a
 * transaction is open joins that transaction, whoever sent it: if the
 * transaction then rolls back (an ingest whose batch a projection refuses,
 * a request that fails), the statement's write goes with it, though its
 * caller was told it succeeded. So every write waits its turn in the log's
 * write queue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeshDirectory } from '../../apps/gateway/src/mesh/store/mesh-directory.js';
import { OpLogService } from '../../apps/gateway/src/oplog/oplog.service.js';
import { removeDir, startTestGateway, type TestGateway } from '../support/gateway-harness.js';

describe('writes outside the op log', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(async () => {
    await gw.close();
    removeDir(gw.dataDir);
  });

  it('survive a transaction that was open when they were made and rolled back', async () => {
    const directory = gw.gateway.app.get(MeshDirectory);
    let opened!: () => void;
    const open = new Promise<void>((resolve) => {
      opened = resolve;
    });
    const failing = gw.gateway.app.get(OpLogService).exclusive(async (tx) => {
      await tx.query(`INSERT INTO gateway_setting (key, value) VALUES ('test.rolled-back', '1')`);
      opened();
      await new Promise((resolve) => setTimeout(resolve, 100));
      throw new Error('rolled back');
    });
    await open;
    const writes = Promise.all([
      directory.recordJoin('org-joined', 'peer-seed', ['/ip4/127.0.0.1/tcp/9']),
      directory.rememberPeer('peer-seen', ['/ip4/127.0.0.1/tcp/9']),
      directory.saveListen(['/ip4/127.0.0.1/tcp/9']),
      directory.noteSynced('org-joined', 1_234),
    ]);
    await expect(failing).rejects.toThrow('rolled back');
    await writes;
    const count = async (sql: string, params: unknown[]) =>
      (await gw.gateway.dataSource.query(sql, params)).length;
    expect(await count('SELECT 1 FROM mesh_join WHERE org_id = ?', ['org-joined'])).toBe(1);
    expect(await count('SELECT 1 FROM mesh_peer WHERE peer_id = ?', ['peer-seen'])).toBe(1);
    expect(await directory.lastListen()).toEqual(['/ip4/127.0.0.1/tcp/9']);
    expect(await directory.lastSynced('org-joined')).toBe(1_234);
    expect(await count('SELECT 1 FROM gateway_setting WHERE key = ?', ['test.rolled-back'])).toBe(0);
  });
});
