/**
 * A gateway killed with SIGKILL in the middle of a large sync resumes after
 * restart from what it had fully applied, without that being sent again, and
 * converges. Runs the BUILT gateway as a child process (`npm run build` first).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { OpDraft } from '@gatehouse/mesh';
import sqlite3 from 'sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { OpLogService } from '../../apps/gateway/src/oplog/oplog.service.js';
import {
  type GatewayProcess,
  REPO_ROOT,
  removeDir,
  spawnGateway,
  tempDataDir,
} from '../support/gateway-harness.js';
import { GraphQLClient } from '../support/graphql-client.js';
import {
  createOrganization,
  inviteCode,
  MESH_ENV,
  type MeshGateway,
  opCount,
  startMeshGateway,
  stateHash,
  stopAll,
  until,
} from './support/mesh-fixture.js';

/**
 * Large enough that the sync is still running when the kill lands: a receiving
 * transaction takes up to a window of batches (about 5,800 of these ops).
 */
const OPS = 20_000;

/** Reads one number from a (closed) gateway's database file, as an operator inspecting it would. */
function countOps(dataDir: string, orgId: string): Promise<{ ops: number; integrity: string }> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(join(dataDir, 'gatehouse.sqlite'));
    db.get('SELECT count(*) AS n FROM op WHERE org = ?', [orgId], (err, row: { n: number }) => {
      if (err) return reject(err);
      db.get('PRAGMA integrity_check', (err2, check: { integrity_check: string }) => {
        db.close();
        if (err2) return reject(err2);
        resolve({ ops: row.n, integrity: check.integrity_check });
      });
    });
  });
}

async function syncStates(client: GraphQLClient): Promise<{ opsReceived: number; behind: number }[]> {
  return (await client.gql('{ syncStates { opsReceived behind } }')).syncStates;
}

describe('SIGKILL mid-sync', () => {
  let source: MeshGateway | null = null;
  let child: GatewayProcess | null = null;
  const dataDir = tempDataDir('gatehouse-crash-');

  afterAll(async () => {
    await child?.stop('SIGKILL');
    await stopAll([source]);
    removeDir(dataDir);
  }, 60_000);

  it('resumes after restart without receiving again what it had applied, and converges', async () => {
    expect(existsSync(join(REPO_ROOT, 'apps/gateway/dist/main.js')), 'run `npm run build` first').toBe(true);
    source = await startMeshGateway('crash-src');
    const orgId = await createOrganization(source.operator, 'heavy');
    const ownerId = (await source.operator.gql('{ me { account { id } } }')).me.account.id;
    // A large log, written straight into the op log: ~1 KB wiki pages.
    const oplog = source.gateway.app.get(OpLogService);
    const filler = 'lorem ipsum dolor sit amet '.repeat(38);
    for (let i = 0; i < OPS; i += 500) {
      const drafts: OpDraft[] = [];
      for (let j = i; j < Math.min(i + 500, OPS); j++) {
        drafts.push({
          org: orgId,
          actor: ownerId,
          kind: 'wiki.revision',
          entity: `${orgId}/bulk-${j}`,
          payload: {
            orgId,
            path: `bulk-${j}`,
            title: `Bulk ${j}`,
            content: `${j} ${filler}`,
            resolves: false,
          },
        });
      }
      await oplog.append(drafts);
    }
    const written = await opCount(source, orgId);

    child = await spawnGateway(dataDir, { ...MESH_ENV });
    const operator = new GraphQLClient(child.url);
    await operator.signUp('crash-operator');
    const code = await inviteCode(source.operator, orgId);
    // The join waits for its first pull; kill the process while that pull runs.
    const joining = operator
      .gql('mutation ($c: String!) { joinOrganization(code: $c) { ops } }', { c: code })
      .catch(() => null);
    await until(
      async () => (await syncStates(operator).catch(() => [])).some((s) => s.opsReceived >= 1000),
      60_000,
      'the sync to be well under way',
    );
    await child.stop('SIGKILL');
    await joining;

    const atRestart = await countOps(dataDir, orgId);
    expect(atRestart.integrity).toBe('ok');
    expect(atRestart.ops).toBeGreaterThan(0);
    expect(atRestart.ops).toBeLessThan(written);

    child = await spawnGateway(dataDir, { ...MESH_ENV });
    const again = new GraphQLClient(child.url);
    await again.logIn('crash-operator');
    // The organisation's owner (whose account came over in the log) can read its state hash here.
    const owner = new GraphQLClient(child.url);
    await owner.logIn('crash-src-operator');
    // It finds the source again by itself (remembered peer, sticky port) and resumes.
    await until(
      async () => {
        const { organization } = await owner
          .gql('query ($k: String!) { organization(key: $k) { stateHash } }', { k: orgId })
          .catch(() => ({ organization: null }));
        return organization?.stateHash === (await stateHash(source!, orgId));
      },
      120_000,
      'convergence after restart',
    );
    // The log has grown by the invite and the admission since the bulk was written.
    const total = await opCount(source, orgId);
    expect(total).toBe(written + 2);
    const states = await syncStates(again);
    const received = states.reduce((n, s) => n + s.opsReceived, 0);
    // Exactly what was missing at restart came over: nothing applied before the kill was sent again.
    expect(received).toBe(total - atRestart.ops);
    expect(states.every((s) => s.behind === 0)).toBe(true);
  }, 240_000);
});
