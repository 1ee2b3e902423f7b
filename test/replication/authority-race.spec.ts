/**
 * A change of authority racing the ops it affects, over real libp2p: an
 * editor is demoted on one gateway while, cut off, they edit on another.
 * Whatever order the ops meet in, every gateway ends with the same state:
 * the edit is kept as a void link of its gateway's chain (never applied),
 * and everything that gateway wrote afterwards still arrives everywhere.
 */
import { compareOps, decodeOp, type Op } from '@gatehouse/mesh';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpJudge } from '../../apps/gateway/src/mesh/authority/op-judge.js';
import { MeshNodeService } from '../../apps/gateway/src/mesh/node/mesh-node.service.js';
import { type IngestOptions, OpLogService } from '../../apps/gateway/src/oplog/oplog.service.js';
import { removeDir, startTestGateway } from '../support/gateway-harness.js';
import type { GraphQLClient } from '../support/graphql-client.js';
import {
  admitAll,
  converged,
  createOrganization,
  type MeshGateway,
  page,
  savePage,
  startMeshGateways,
  stateHash,
  stopAll,
} from './support/mesh-fixture.js';

describe('authority racing the ops it affects', () => {
  let gws: MeshGateway[] = [];
  let orgId: string;
  /** The organisation's owner and an editor, each logged in on both gateways. */
  const owner: GraphQLClient[] = [];
  const editor: GraphQLClient[] = [];
  let editorId: string;

  const mesh = (gw: MeshGateway) => gw.gateway.app.get(MeshNodeService);
  const metric = async (gw: MeshGateway, name: string) => {
    const text = await (await fetch(`${gw.url}/metrics`)).text();
    return [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)`, 'gm'))].reduce(
      (sum, m) => sum + Number(m[1]),
      0,
    );
  };

  beforeAll(async () => {
    gws = await startMeshGateways(2, 'race');
    const [a, b] = gws;
    orgId = await createOrganization(a.operator, 'valley');
    const first = a.client();
    editorId = await first.signUp('race-editor');
    await a.operator.gql(
      'mutation ($o: ID!, $a: ID!) { setMemberRole(orgId: $o, accountId: $a, role: editor) }',
      { o: orgId, a: editorId },
    );
    await admitAll(a.operator, orgId, [b]);
    await converged(gws, orgId);
    owner.push(a.operator);
    editor.push(first);
    const ownerOnB = b.client();
    await ownerOnB.logIn('race0-operator');
    owner.push(ownerOnB);
    const editorOnB = b.client();
    await editorOnB.logIn('race-editor');
    editor.push(editorOnB);
  }, 120_000);
  afterAll(() => stopAll(gws), 60_000);

  it('keeps an edit made after a demotion void everywhere, and does not cut off its gateway', async () => {
    const [a, b] = gws;
    await savePage(owner[0], orgId, 'notice', 'the well is open');
    await converged(gws, orgId);
    const rebuildsBefore = await metric(b, 'gatehouse_oplog_authority_rebuilds_total');

    await mesh(b).stop();
    // On a: the editor is made a viewer. On b, cut off, they still edit, and so does the owner after them.
    await owner[0].gql(
      'mutation ($o: ID!, $a: ID!) { setMemberRole(orgId: $o, accountId: $a, role: viewer) }',
      { o: orgId, a: editorId },
    );
    const notice = await page(owner[1], orgId, 'notice');
    await savePage(editor[1], orgId, 'notice', 'the well is closed', notice!.currentRevisionId);
    expect((await page(owner[1], orgId, 'notice'))!.content).toBe('the well is closed');
    await savePage(owner[1], orgId, 'minutes', 'written on b after the edit');
    await mesh(b).start();

    const hash = await converged(gws, orgId);
    expect(hash).toBeTruthy();
    for (const c of owner) {
      // The demoted editor's edit has no effect anywhere; the owner's later page from b is everywhere.
      expect((await page(c, orgId, 'notice'))!.content).toBe('the well is open');
      expect((await page(c, orgId, 'minutes'))!.content).toBe('written on b after the edit');
    }
    for (const gw of gws) {
      const voided = await gw.gateway.app.get(OpLogService).voidOpsOf(orgId);
      expect(voided.map((v) => [v.op.kind, v.op.actor, v.reason.split(' ')[0]])).toEqual([
        ['wiki.revision', editorId, 'no-role'],
      ]);
    }
    // b had applied the edit before the demotion reached it: it rebuilt its tables from the log.
    expect(await metric(b, 'gatehouse_oplog_authority_rebuilds_total')).toBeGreaterThan(rebuildsBefore);
    expect(await metric(a, 'gatehouse_oplog_ops_voided_total')).toBeGreaterThan(0);
  });

  it('gives the same state and the same void ops for any order the ops arrive in', async () => {
    const [a] = gws;
    const rows: { body: Uint8Array; sig: Uint8Array }[] = await a.gateway.dataSource.query(
      'SELECT body, sig FROM op_chain WHERE org = ?',
      [orgId],
    );
    const ops = rows.map((r) => decodeOp(new Uint8Array(r.body), new Uint8Array(r.sig)));
    const expected = await stateHash(a, orgId);
    const expectedVoid = (await a.gateway.app.get(OpLogService).voidOpsOf(orgId)).map((v) => v.op.id);
    const authors = [...new Set(ops.map((op) => op.author))];
    // A delivery: the authors' chains interleaved at random (each in seq order), cut into random batches.
    const delivery = fc.record({
      picks: fc.array(fc.nat(authors.length - 1), { minLength: ops.length, maxLength: ops.length }),
      batch: fc.integer({ min: 1, max: 12 }),
    });
    /** Feeds `order` to a fresh gateway in batches; refused ops come again at the end, as a pull would bring them. */
    const replay = async (order: readonly Op[], batch: number) => {
      const fresh = await startTestGateway();
      try {
        const oplog = fresh.gateway.app.get(OpLogService);
        const judge: IngestOptions = { authority: (tx) => new OpJudge(tx) };
        let waiting: Op[] = [];
        let rebuilt = false;
        const deliver = async (some: readonly Op[]) => {
          const result = await oplog.ingest(some, judge);
          rebuilt ||= result.rebuilt;
          const refused = new Set(result.rejected.map((r) => r.id));
          waiting.push(...some.filter((op) => refused.has(op.id)));
        };
        for (let i = 0; i < order.length; i += batch) await deliver(order.slice(i, i + batch));
        for (let round = 0; waiting.length && round < 5; round++) {
          const again = waiting.sort(compareOps);
          waiting = [];
          await deliver(again);
        }
        expect(waiting).toEqual([]);
        return {
          hash: await stateHash(fresh, orgId),
          voided: (await oplog.voidOpsOf(orgId)).map((v) => v.op.id),
          rebuilt,
        };
      } finally {
        await fresh.close();
        removeDir(fresh.dataDir);
      }
    };
    await fc.assert(
      fc.asyncProperty(delivery, async ({ picks, batch }) => {
        const queues = authors.map((author) =>
          ops.filter((op) => op.author === author).sort((x, y) => x.seq - y.seq),
        );
        const order: Op[] = [];
        for (const pick of picks) {
          const open = queues.filter((q) => q.length);
          order.push(open[pick % open.length].shift()!);
        }
        const replayed = await replay(order, batch);
        expect(replayed.hash).toBe(expected);
        expect(replayed.voided).toEqual(expectedVoid);
      }),
      { numRuns: 8 },
    );
    // The worst order: everything but the demotion first, so the edit is applied, then undone.
    const sorted = [...ops].sort(compareOps);
    const demotion = sorted.find(
      (op) => op.kind === 'member.role' && (op.payload as { role?: string }).role === 'viewer',
    )!;
    expect(compareOps(demotion, sorted.find((op) => op.id === expectedVoid[0])!)).toBeLessThan(0);
    const late = await replay([...sorted.filter((op) => op !== demotion), demotion], 1);
    expect(late).toEqual({ hash: expected, voided: expectedVoid, rebuilt: true });
  }, 120_000);
});
