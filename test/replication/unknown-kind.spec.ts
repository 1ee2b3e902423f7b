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
import { OpRejectedError, type Projection } from '../../apps/gateway/src/oplog/projection.js';
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
    // A check of the projection's own, as many make (an entity that must match the payload).
    if (op.entity === 'refused') throw new OpRejectedError(op.id, 'entity refused by its projection');
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

  it('is kept void without cutting its author off, and applied once the gateway knows the kind, if it holds', async () => {
    gw = await startTestGateway();
    const g1: Author = { identity: await generateIdentity(), ops: [], wall: 1_000 };
    const stranger: Author = { identity: await generateIdentity(), ops: [], wall: 1_500 };
    const write = (kind: string, entity: string, payload: unknown, actor: string | null = OWNER, by = g1) =>
      appendOp(by, { org: ORG, actor, kind, entity, payload: payload as never });
    write('org.created', ORG, { id: ORG, parentId: null, slug: 'v', name: 'Versions', description: '' });
    const later = write('later.noted', 'n1', { note: 'from a newer gateway' });
    // Rules this version cannot know of: whatever it would say of the actor, kept void until it knows them.
    const noActor = write('later.noted', 'n3', { note: 'by the gateway itself' }, null);
    // Not what that version's schema says, nor its projection: void there too, once known.
    const unfit = write('later.noted', 'n2', { notes: 42 });
    const refused = write('later.noted', 'refused', { note: 'its projection says no' });
    const rename = write('org.updated', ORG, { id: ORG, name: 'Renamed after it', description: '' });
    // A gateway never admitted gets nothing stored, whatever the kind.
    write('later.noted', 'n4', { note: 'from a stranger' }, OWNER, stranger);

    const held = await deliver(gw, ORG, [g1.ops, stranger.ops]);
    expect(held.refused).toEqual(['later.noted']);
    expect(held.voided).toEqual([later.id, noActor.id, unfit.id, refused.id].sort());
    expect(held.held).toContain(rename.id);
    const oplog = gw.gateway.app.get(OpLogService);
    for (const { reason } of await oplog.voidOpsOf(ORG)) expect(reason).toMatch(/^unknown-kind/);
    const [org] = await gw.gateway.dataSource.query('SELECT name FROM org WHERE id = ?', [ORG]);
    expect(org.name).toBe('Renamed after it');

    // Upgraded: the kind is known now, and the start's reconciliation applies what was held void.
    gw.gateway.app.get(ProjectionRegistry).register(laterVersion);
    expect(await gw.gateway.app.get(GatewayOpStore).settleOwedReconciliation()).toBe(true);
    expect((await oplog.voidOpsOf(ORG)).map((v) => v.op.id).sort()).toEqual(
      [noActor.id, unfit.id, refused.id].sort(),
    );
    const [noted] = await gw.gateway.dataSource.query(
      `SELECT value FROM gateway_setting WHERE key = 'later.n1'`,
    );
    expect(noted?.value).toBe('from a newer gateway');
    // Nothing more owed: the next start does not rebuild again.
    expect(await gw.gateway.app.get(GatewayOpStore).settleOwedReconciliation()).toBe(false);
  }, 60_000);
});
