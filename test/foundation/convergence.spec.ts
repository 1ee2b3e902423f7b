/**
 * Convergence invariant (DESIGN.md): gateways that hold the same set of ops
 * for an organisation have identical projections, whatever order the ops
 * arrived in, with duplicates and re-deliveries; rebuilding the projections
 * from the log gives the same state again.
 */
import { type GatewayIdentity, generateIdentity, type Op } from '@gatehouse/mesh';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentStore } from '../../apps/gateway/src/documents/document-store.js';
import { OpLogService } from '../../apps/gateway/src/oplog/oplog.service.js';
import { ProjectionRegistry } from '../../apps/gateway/src/oplog/projection-registry.js';
import { StateHashService } from '../../apps/gateway/src/oplog/state-hash.service.js';
import { removeDir, startTestGateway, type TestGateway } from '../support/gateway-harness.js';
import { buildLog, deliveryArb, stepArb } from './op-generator.js';

interface PageRow {
  path: string;
  head_ids: string;
  current_revision_id: string;
  content: string;
  conflict_id: string | null;
  created_hlc: string;
  updated_hlc: string;
}

async function deliver(gw: TestGateway, batches: Op[][]): Promise<void> {
  const oplog = gw.gateway.app.get(OpLogService);
  let pending = batches;
  for (let round = 0; pending.length && round < 1000; round++) {
    const retry: Op[] = [];
    for (const batch of pending) {
      const result = await oplog.ingest(batch);
      for (const r of result.rejected) {
        // Only "arrived ahead of its chain" is expected; anything else is a bug.
        expect(r.reason).toBe('gap');
        retry.push(batch.find((op) => op.id === r.id)!);
      }
    }
    pending = retry.length ? [retry] : [];
  }
  expect(pending).toEqual([]);
}

/** The replicated rows behind the state hash, to show what differs when hashes do. */
async function stateRows(gw: TestGateway, orgId: string) {
  const registry = gw.gateway.app.get(ProjectionRegistry);
  const out: Record<string, unknown> = {};
  for (const p of registry.all) out[p.name] = await p.stateRows(gw.gateway.dataSource.manager, orgId);
  return out;
}

describe('convergence of organisation logs', () => {
  let a: TestGateway;
  let b: TestGateway;
  let identities: GatewayIdentity[];

  beforeAll(async () => {
    [a, b] = await Promise.all([startTestGateway(), startTestGateway()]);
    identities = await Promise.all([generateIdentity(), generateIdentity(), generateIdentity()]);
  });
  afterAll(async () => {
    for (const gw of [a, b]) {
      await gw.close();
      removeDir(gw.dataDir);
    }
  });

  it('gives the same state hash for any delivery order, and again after a rebuild', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(stepArb(3), { minLength: 5, maxLength: 40 }).chain((steps) => {
          const log = buildLog(`org-${run++}`, identities, steps);
          return fc.tuple(fc.constant(log), deliveryArb(log.authors), deliveryArb(log.authors));
        }),
        async ([{ orgId }, first, second]) => {
          await deliver(a, first);
          await deliver(b, second);
          const hashA = await a.gateway.app.get(StateHashService).stateHash(orgId);
          const hashB = await b.gateway.app.get(StateHashService).stateHash(orgId);
          if (hashA !== hashB) expect(await stateRows(a, orgId)).toEqual(await stateRows(b, orgId));
          expect(hashA).toBe(hashB);
          // Pages that took the linear fast path (batched or not) show what a full recompute gives.
          const pages: PageRow[] = await a.gateway.dataSource.query(
            'SELECT * FROM wiki_page WHERE org_id = ?',
            [orgId],
          );
          for (const page of pages) {
            const state = await new DocumentStore(a.gateway.dataSource.manager).state(
              orgId,
              'wiki',
              page.path,
            );
            expect(page).toMatchObject({
              head_ids: JSON.stringify(state.heads),
              current_revision_id: state.current.id,
              content: state.current.content,
              conflict_id: state.conflictId,
              created_hlc: state.createdHlc,
              updated_hlc: state.updatedHlc,
            });
          }
          return pages.length > 0;
        },
      ),
      { numRuns: 25 },
    );
    // Rebuilding every projection from the log reproduces the same states.
    const orgs: { org: string }[] = await a.gateway.dataSource.query('SELECT DISTINCT org FROM op');
    const before = await Promise.all(orgs.map(({ org }) => stateRows(a, org)));
    await a.gateway.app.get(OpLogService).rebuild();
    const after = await Promise.all(orgs.map(({ org }) => stateRows(a, org)));
    expect(after).toEqual(before);
    expect(orgs.length).toBeGreaterThanOrEqual(25);
  }, 240_000);

  it('leaves the connection at synchronous=FULL after receiving (only received batches skip the fsync)', async () => {
    for (const gw of [a, b]) {
      const [{ synchronous }] = await gw.gateway.dataSource.query('PRAGMA synchronous');
      expect(synchronous).toBe(2);
    }
  });

  it('produces the same merge revisions and conflicts on both gateways', async () => {
    const rows = async (gw: TestGateway) => ({
      merges: await gw.gateway.dataSource.query(
        'SELECT id, content FROM doc_revision WHERE derived = 1 ORDER BY id',
      ),
      conflicts: await gw.gateway.dataSource.query('SELECT id, status, head_ids FROM conflict ORDER BY id'),
    });
    const [ra, rb] = [await rows(a), await rows(b)];
    expect(ra).toEqual(rb);
    // The generated histories do exercise both outcomes.
    expect(ra.merges.length).toBeGreaterThan(0);
    expect(ra.conflicts.length).toBeGreaterThan(0);
  });
});
