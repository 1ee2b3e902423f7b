/**
 * A change of authority racing the ops it affects, over real libp2p: an
 * editor is demoted on one gateway while, cut off, they edit on another.
 * Whatever order the ops meet in, every gateway ends with the same state:
 * the edit is kept as a void link of its gateway's chain (never applied),
 * and everything that gateway wrote afterwards still arrives everywhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeshNodeService } from '../../apps/gateway/src/mesh/node/mesh-node.service.js';
import { OpLogService } from '../../apps/gateway/src/oplog/oplog.service.js';
import type { GraphQLClient } from '../support/graphql-client.js';
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
});
