/**
 * The gateway writes on one SQLite connection. A statement sent on it while
 * a transaction is open joins that transaction, whoever sent it: if the
 * transaction then rolls back (an ingest whose batch a projection refuses,
 * a request that fails), the statement's write goes with it, though its
 * caller was told it succeeded. So every write waits its turn in the log's
 * write queue, and reads outside a transaction go to a read-only connection
 * that sees only what has committed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpJudge } from '../../apps/gateway/src/mesh/authority/op-judge.js';
import { MeshDirectory } from '../../apps/gateway/src/mesh/store/mesh-directory.js';
import { OpLogService } from '../../apps/gateway/src/oplog/oplog.service.js';
import { createOrganization, page, savePage } from '../replication/support/mesh-fixture.js';
import { removeDir, startTestGateway, type TestGateway } from '../support/gateway-harness.js';

describe('the database connections', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(async () => {
    await gw.close();
    removeDir(gw.dataDir);
  });

  it('keep a write made outside the op log while a transaction that then rolls back was open', async () => {
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

  it('answer reads from the last commit while every projection is rebuilt', async () => {
    const client = gw.client();
    const owner = await client.signUp('owner');
    const orgId = await createOrganization(client, 'rebuilt');
    await savePage(client, orgId, 'home', 'still here');
    const oplog = gw.gateway.app.get(OpLogService);
    // Enough ops that the rebuild takes many statements for the reads to fall between.
    const drafts = Array.from({ length: 2_000 }, (_, i) => ({
      org: orgId,
      actor: owner,
      kind: 'wiki.revision',
      entity: `${orgId}/p-${i}`,
      payload: { orgId, path: `p-${i}`, title: 'p', content: `page ${i}`, resolves: false },
    }));
    for (let i = 0; i < drafts.length; i += 500) await oplog.append(drafts.slice(i, i + 500));
    let rebuilding = true;
    const rebuild = oplog.rebuild({ authority: (tx) => new OpJudge(tx) }).finally(() => {
      rebuilding = false;
    });
    // What a member's browser asks for (the organisation, uncached) and a page as services read it.
    const seen: unknown[] = [];
    while (rebuilding) {
      const { organizations } = await client.gql<{ organizations: { id: string }[] }>(
        '{ organizations { id } }',
      );
      const [row] = await gw.gateway.dataSource.query(
        `SELECT content FROM wiki_page WHERE org_id = ? AND path = 'home'`,
        [orgId],
      );
      seen.push(JSON.stringify([organizations.map((o) => o.id), row?.content]));
    }
    await rebuild;
    expect(seen.length).toBeGreaterThan(1);
    expect(new Set(seen)).toEqual(new Set([JSON.stringify([[orgId], 'still here'])]));
    expect((await page(client, orgId, 'home'))?.content).toBe('still here');
  }, 60_000);
});
