/**
 * Replication as a property: random writes on random gateways, with links
 * dropped, gateways cut off and brought back, and ops delivered again out of
 * order and twice over (straight into the receiving path). At the end every
 * gateway has the same state hash for the organisation and holds every write
 * that was acknowledged anywhere.
 */
import { peerIdFromString } from '@libp2p/peer-id';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeshNodeService } from '../../apps/gateway/src/mesh/node/mesh-node.service.js';
import { GatewayOpStore } from '../../apps/gateway/src/mesh/store/gateway-op-store.js';
import { OpLogService } from '../../apps/gateway/src/oplog/oplog.service.js';
import type { GraphQLClient, GraphQLError } from '../support/graphql-client.js';
import {
  admitAll,
  converged,
  createOrganization,
  type MeshGateway,
  page,
  savePage,
  startMeshGateways,
  stopAll,
} from './support/mesh-fixture.js';

type Step =
  | { kind: 'write'; gw: number; page: number; line: number }
  | { kind: 'drop'; a: number; b: number }
  | { kind: 'offline'; gw: number }
  | { kind: 'online'; gw: number }
  | { kind: 'redeliver'; from: number; to: number; take: number; seed: number };

const GATEWAYS = 3;

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('write' as const),
      gw: fc.nat({ max: GATEWAYS - 1 }),
      page: fc.nat({ max: 2 }),
      line: fc.nat({ max: 4 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('drop' as const),
      a: fc.nat({ max: 2 }),
      b: fc.nat({ max: 2 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('offline' as const), gw: fc.nat({ max: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('online' as const), gw: fc.nat({ max: 2 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('redeliver' as const),
      from: fc.nat({ max: 2 }),
      to: fc.nat({ max: 2 }),
      take: fc.integer({ min: 1, max: 30 }),
      seed: fc.nat(),
    }),
  },
);

/** A deterministic shuffle with duplicates: each op once or twice, in a scrambled order. */
function scramble<T>(items: readonly T[], seed: number): T[] {
  let s = seed || 1;
  const rand = () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
  const out = items.flatMap((x) => (rand() < 0.3 ? [x, x] : [x]));
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('replication property', () => {
  let gws: MeshGateway[] = [];
  let run = 0;

  beforeAll(async () => {
    gws = await startMeshGateways(GATEWAYS, 'prop');
  }, 90_000);
  afterAll(() => stopAll(gws), 60_000);

  const mesh = (gw: MeshGateway) => gw.gateway.app.get(MeshNodeService);

  it('converges to one state hash with every acknowledged write, whatever the faults', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 15, maxLength: 40 }), async (steps) => {
        for (const gw of gws) await mesh(gw).start();
        const orgId = await createOrganization(gws[0].operator, `prop-${run++}`);
        await admitAll(gws[0].operator, orgId, gws.slice(1));
        const owners: GraphQLClient[] = [gws[0].operator];
        for (const gw of gws.slice(1)) {
          const c = gw.client();
          await c.logIn('prop0-operator');
          owners.push(c);
        }
        const acknowledged: string[] = [];
        for (const [n, step] of steps.entries()) {
          switch (step.kind) {
            case 'write': {
              const path = `page-${step.page}`;
              // A replicated edit can land between the read and the save (CONFLICT): read again.
              for (let attempt = 0; ; attempt++) {
                const current = await page(owners[step.gw], orgId, path);
                const lines = (current?.content ?? 'a\nb\nc\nd\ne').split('\n');
                lines[step.line] = `w${n}@${step.gw}`;
                const saved = await savePage(
                  owners[step.gw],
                  orgId,
                  path,
                  lines.join('\n'),
                  current?.currentRevisionId ?? null,
                ).catch(async (err: GraphQLError) => {
                  if (err.code !== 'CONFLICT' || attempt > 8) throw err;
                  // As a person would: a moment later, read again (a received batch may still be committing).
                  await new Promise((r) => setTimeout(r, 50 * 2 ** Math.min(attempt, 5)));
                  return null;
                });
                if (saved) break;
              }
              // The write is acknowledged: its op is the newest this gateway authored.
              const [op] = await gws[step.gw].gateway.dataSource.query(
                'SELECT id FROM op WHERE org = ? AND author = ? ORDER BY seq DESC LIMIT 1',
                [orgId, gws[step.gw].peerId],
              );
              acknowledged.push(op.id);
              break;
            }
            case 'drop': {
              const node = mesh(gws[step.a]).libp2p;
              if (step.a !== step.b && node)
                await node.hangUp(peerIdFromString(gws[step.b].peerId)).catch(() => {});
              break;
            }
            case 'offline':
              await mesh(gws[step.gw]).stop();
              break;
            case 'online':
              await mesh(gws[step.gw]).start();
              break;
            case 'redeliver': {
              if (step.from === step.to) break;
              const ops = await gws[step.from].gateway.app.get(OpLogService).opsOf(orgId, 10_000);
              const some = scramble(ops.slice(-step.take), step.seed);
              // Straight into the receiving path, in pieces, as a confused peer might send them.
              for (let i = 0; i < some.length; i += 7) {
                await gws[step.to].gateway.app.get(GatewayOpStore).ingest(orgId, some.slice(i, i + 7));
              }
              break;
            }
          }
        }
        for (const gw of gws) await mesh(gw).start();
        await Promise.all(gws.map((gw) => mesh(gw).sync.syncAll()));
        const hash = await converged(gws, orgId, 30_000);
        for (const gw of gws) {
          const held = new Set(
            (await gw.gateway.dataSource.query('SELECT id FROM op WHERE org = ?', [orgId])).map(
              (r: { id: string }) => r.id,
            ),
          );
          expect(acknowledged.filter((id) => !held.has(id))).toEqual([]);
        }
        expect(hash).toMatch(/^[0-9a-f]{64}$/);
      }),
      { numRuns: 12, seed: 1125, endOnFailure: true },
    );
  }, 280_000);
});
