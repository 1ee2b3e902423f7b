/**
 * Gateways of different versions in one mesh: an op of a kind a later
 * version brought is kept void, a link of its author's chain, so that
 * gateway's later ops still arrive; once this gateway is upgraded to know the
 * kind, the next start's reconciliation applies it.
 */
import { generateIdentity } from '@gatehouse/mesh';
import type { EntityManager } from 'typeorm';
import { afterAll, describe, expect, it } from 'vitest';
import { GatewayOpStore } from '../../apps/gateway/src/mesh/store/gateway-op-store.js';
import { OpLogService } from '../../apps/gateway/src/oplog/oplog.service.js';
import type { Projection } from '../../apps/gateway/src/oplog/projection.js';
import { ProjectionRegistry } from '../../apps/gateway/src/oplog/projection-registry.js';
import { type Author, appendOp } from '../foundation/op-generator.js';
import { removeDir, startTestGateway, type TestGateway } from '../support/gateway-harness.js';
import { deliver } from './support/deliver.js';

const ORG = 'org-versions';
const OWNER = 'acc-owner';

/** What a later version might add: a kind with a projection of its own (here, a gateway setting per op). */
const laterVersion: Projection = {
  name: 'later-version',
  payloadSchemas: {
    'later.noted': { type: 'object', required: ['note'], properties: { note: { type: 'string' } } },
  },
  apply: async (tx: EntityManager, op) => {
    await tx.query('INSERT INTO gateway_setting (key, value) VALUES (?, ?)', [
      `later.${op.entity}`,
      (op.payload as { note: string }).note,
    ]);
  },
  stateRows: async () => [],
  clear: async (tx: EntityManager) => {
    await tx.query(`DELETE FROM gateway_setting WHERE key LIKE 'later.%'`);
  },
};

describe('an op of a kind this version does not know', () => {
  let gw: TestGateway;
  afterAll(async () => {
    await gw?.close();
    if (gw) removeDir(gw.dataDir);
  });

  it('is kept void without cutting its author off, and applied once the gateway knows the kind', async () => {
    gw = await startTestGateway();
    const g1: Author = { identity: await generateIdentity(), ops: [], wall: 1_000 };
    const write = (kind: string, entity: string, payload: unknown) =>
      appendOp(g1, { org: ORG, actor: OWNER, kind, entity, payload: payload as never });
    write('org.created', ORG, { id: ORG, parentId: null, slug: 'v', name: 'Versions', description: '' });
    const later = write('later.noted', 'n1', { note: 'from a newer gateway' });
    // Not what that version's schema says: void there too, once known.
    const unfit = write('later.noted', 'n2', { notes: 42 });
    const rename = write('org.updated', ORG, { id: ORG, name: 'Renamed after it', description: '' });

    const held = await deliver(gw, ORG, [g1.ops]);
    expect(held.refused).toEqual([]);
    expect(held.voided).toEqual([later.id, unfit.id].sort());
    expect(held.held).toContain(rename.id);
    const oplog = gw.gateway.app.get(OpLogService);
    for (const { reason } of await oplog.voidOpsOf(ORG)) expect(reason).toMatch(/^unknown-kind/);
    const [org] = await gw.gateway.dataSource.query('SELECT name FROM org WHERE id = ?', [ORG]);
    expect(org.name).toBe('Renamed after it');

    // Upgraded: the kind is known now, and the start's reconciliation applies what was held void.
    gw.gateway.app.get(ProjectionRegistry).register(laterVersion);
    expect(await gw.gateway.app.get(GatewayOpStore).settleOwedReconciliation()).toBe(true);
    expect((await oplog.voidOpsOf(ORG)).map((v) => v.op.id)).toEqual([unfit.id]);
    const [noted] = await gw.gateway.dataSource.query(
      `SELECT value FROM gateway_setting WHERE key = 'later.n1'`,
    );
    expect(noted?.value).toBe('from a newer gateway');
    // Nothing more owed: the next start does not rebuild again.
    expect(await gw.gateway.app.get(GatewayOpStore).settleOwedReconciliation()).toBe(false);
  }, 60_000);
});
