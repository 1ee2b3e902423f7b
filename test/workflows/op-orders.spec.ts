/**
 * Order independence of the workflow, decision and project projections:
 * random concurrent logs from three authors, delivered to two gateways in
 * random batches (with duplicates and re-delivery), give the same state
 * hash; rebuilding from the log reproduces the rows.
 */
import { type GatewayIdentity, generateIdentity, type Op } from '@gatehouse/mesh';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpLogService } from '../../apps/gateway/src/oplog/oplog.service.js';
import { ProjectionRegistry } from '../../apps/gateway/src/oplog/projection-registry.js';
import { StateHashService } from '../../apps/gateway/src/oplog/state-hash.service.js';
import { deliveryArb } from '../foundation/op-generator.js';
import { removeDir, startTestGateway, type TestGateway } from '../support/gateway-harness.js';
import { buildLog, buildRace, raceArb, stepArb } from './workflow-op-generator.js';

async function deliver(gw: TestGateway, batches: Op[][]): Promise<void> {
  const oplog = gw.gateway.app.get(OpLogService);
  let pending = batches;
  for (let round = 0; pending.length && round < 1000; round++) {
    const retry: Op[] = [];
    for (const batch of pending) {
      for (const r of (await oplog.ingest(batch)).rejected) {
        expect(r.reason).toBe('gap'); // ahead of its author's chain; anything else is a bug
        retry.push(batch.find((op) => op.id === r.id)!);
      }
    }
    pending = retry.length ? [retry] : [];
  }
  expect(pending).toEqual([]);
}

async function rows(gw: TestGateway, orgId: string) {
  const out: Record<string, unknown> = {};
  for (const p of gw.gateway.app.get(ProjectionRegistry).all) {
    if (['workflows', 'decisions', 'projects'].includes(p.name))
      out[p.name] = await p.stateRows(gw.gateway.dataSource.manager, orgId);
  }
  return out;
}

describe('workflow, decision and project projections in any order', () => {
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

  it('gives the same state hash for any delivery order, and the same rows after a rebuild', async () => {
    let run = 0;
    const seen = { conflicts: 0, items: 0, tasks: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.array(stepArb(3), { minLength: 5, maxLength: 40 }).chain((steps) => {
          const log = buildLog(`wf-org-${run++}`, identities, steps);
          return fc.tuple(fc.constant(log), deliveryArb(log.authors), deliveryArb(log.authors));
        }),
        async ([{ orgId }, first, second]) => {
          await deliver(a, first);
          await deliver(b, second);
          const [hashA, hashB] = [a, b].map((gw) => gw.gateway.app.get(StateHashService).stateHash(orgId));
          if ((await hashA) !== (await hashB)) expect(await rows(b, orgId)).toEqual(await rows(a, orgId));
          expect(await hashA).toBe(await hashB);
          const [c] = await a.gateway.dataSource.query(
            `SELECT (SELECT count(*) FROM workflow_item WHERE org_id = ?1) AS items,
               (SELECT count(*) FROM workflow_item WHERE org_id = ?1 AND conflict_count > 0) AS conflicts,
               (SELECT count(*) FROM task WHERE org_id = ?1) AS tasks`,
            [orgId],
          );
          seen.items += c.items;
          seen.conflicts += c.conflicts;
          seen.tasks += c.tasks;
        },
      ),
      { numRuns: 40 },
    );
    // The generated logs do exercise items, competing transitions and tasks.
    expect(seen.items).toBeGreaterThan(0);
    expect(seen.conflicts).toBeGreaterThan(0);
    expect(seen.tasks).toBeGreaterThan(0);

    const orgs: { org: string }[] = await a.gateway.dataSource.query(
      `SELECT DISTINCT org FROM op WHERE org LIKE 'wf-org-%'`,
    );
    const before = await Promise.all(orgs.map(({ org }) => rows(a, org)));
    await a.gateway.app.get(OpLogService).rebuild();
    expect(await Promise.all(orgs.map(({ org }) => rows(a, org)))).toEqual(before);
  }, 240_000);

  it('resolves a migration racing transitions on other gateways the same way, whatever the delivery order', async () => {
    let run = 0;
    const seen = { migrationWon: 0, migrationLost: 0 };
    await fc.assert(
      fc.asyncProperty(
        raceArb.chain((race) => {
          const log = buildRace(`wf-race-${run++}`, identities, race);
          return fc.tuple(fc.constant(log), deliveryArb(log.authors), deliveryArb(log.authors));
        }),
        async ([{ orgId, item, submitted, contenders }, first, second]) => {
          await deliver(a, first);
          await deliver(b, second);
          const [hashA, hashB] = [a, b].map((gw) => gw.gateway.app.get(StateHashService).stateHash(orgId));
          expect(await hashA).toBe(await hashB);
          // The first contender in (hlc, author, id) order wins; the others are superseded, in one conflict.
          const key = (op: Op) => [op.hlc, op.author, op.id];
          const [winner, ...losers] = [...contenders].sort((x, y) => {
            const [p, q] = [key(x), key(y)];
            const i = p.findIndex((v, j) => v !== q[j]);
            return i < 0 ? 0 : p[i] < q[i] ? -1 : 1;
          });
          const [row] = await a.gateway.dataSource.query(
            'SELECT version_id, state, conflicts FROM workflow_item WHERE id = ?',
            [item],
          );
          expect(JSON.parse(row.conflicts)).toContainEqual({
            fromState: 'submitted',
            enteredBy: submitted.id,
            winner: winner.id,
            losers: losers.map((op) => op.id),
          });
          const migrated = winner.kind === 'workflow.itemMigrated';
          expect(row.version_id).toBe(`${orgId}-${migrated ? 'v2' : 'v1'}`);
          if (migrated) seen.migrationWon += 1;
          if (losers.some((op) => op.kind === 'workflow.itemMigrated')) seen.migrationLost += 1;
        },
      ),
      { numRuns: 40 },
    );
    expect(seen.migrationWon).toBeGreaterThan(0);
    expect(seen.migrationLost).toBeGreaterThan(0);
  }, 120_000);
});
