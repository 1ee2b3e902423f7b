/**
 * Edits made on gateways cut off from each other converge when they meet
 * again: to the same merge revision when the edits do not overlap, to the
 * same single conflict item when they do. Resolving it on any gateway clears
 * it everywhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeshNodeService } from '../../apps/gateway/src/mesh/node/mesh-node.service.js';
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

const LINES = ['one', 'two', 'three', 'four', 'five'];

describe('conflicts across gateways', () => {
  let gws: MeshGateway[] = [];
  let orgId: string;
  /** The organisation owner, logged in on each gateway. */
  let owner: GraphQLClient[];

  const offline = (gw: MeshGateway) => gw.gateway.app.get(MeshNodeService).stop();
  const online = (gw: MeshGateway) => gw.gateway.app.get(MeshNodeService).start();

  beforeAll(async () => {
    gws = await startMeshGateways(3, 'cf');
    orgId = await createOrganization(gws[0].operator, 'commons');
    await admitAll(gws[0].operator, orgId, gws.slice(1));
    await converged(gws, orgId);
    owner = [gws[0].operator];
    for (const gw of gws.slice(1)) {
      const c = gw.client();
      await c.logIn('cf0-operator');
      owner.push(c);
    }
  }, 90_000);
  afterAll(() => stopAll(gws), 60_000);

  async function pagesEverywhere(path: string) {
    return Promise.all(owner.map((c) => page(c, orgId, path)));
  }

  it('merges non-overlapping edits made apart into the same merge revision on every gateway', async () => {
    const base = await savePage(owner[0], orgId, 'clean', LINES.join('\n'));
    await converged(gws, orgId);
    await offline(gws[1]);
    await savePage(owner[0], orgId, 'clean', ['ONE', ...LINES.slice(1)].join('\n'), base.currentRevisionId);
    await savePage(
      owner[1],
      orgId,
      'clean',
      [...LINES.slice(0, 4), 'FIVE'].join('\n'),
      base.currentRevisionId,
    );
    await online(gws[1]);
    await converged(gws, orgId);
    const pages = await pagesEverywhere('clean');
    expect(new Set(pages.map((p) => p!.currentRevisionId)).size).toBe(1);
    for (const p of pages) {
      expect(p!.conflictId).toBeNull();
      expect(p!.content).toBe(['ONE', 'two', 'three', 'four', 'FIVE'].join('\n'));
    }
  });

  it('turns overlapping edits made apart into one and the same conflict, and a resolution anywhere clears it everywhere', async () => {
    const base = await savePage(owner[0], orgId, 'clash', LINES.join('\n'));
    await converged(gws, orgId);
    await offline(gws[0]);
    await offline(gws[2]);
    await savePage(owner[0], orgId, 'clash', ['UNO', ...LINES.slice(1)].join('\n'), base.currentRevisionId);
    await savePage(owner[2], orgId, 'clash', ['EINS', ...LINES.slice(1)].join('\n'), base.currentRevisionId);
    await online(gws[0]);
    await online(gws[2]);
    await converged(gws, orgId);
    const pages = await pagesEverywhere('clash');
    const conflictIds = new Set(pages.map((p) => p!.conflictId));
    expect(conflictIds.size).toBe(1);
    const [conflictId] = [...conflictIds];
    expect(conflictId).toBeTruthy();
    for (const c of owner) {
      const { conflicts } = await c.gql(
        'query ($o: ID!) { conflicts(orgId: $o) { nodes { id docKey status } } }',
        {
          o: orgId,
        },
      );
      expect(conflicts.nodes.filter((n: { docKey: string }) => n.docKey === 'clash')).toEqual([
        { id: conflictId, docKey: 'clash', status: 'open' },
      ]);
    }
    // Resolved on the gateway that made neither edit.
    await owner[1].gql('mutation ($i: ResolveConflictInput!) { resolveEditConflict(input: $i) { status } }', {
      i: { orgId, conflictId, title: 'clash', content: ['UNO/EINS', ...LINES.slice(1)].join('\n') },
    });
    await converged(gws, orgId);
    for (const p of await pagesEverywhere('clash')) {
      expect(p!.conflictId).toBeNull();
      expect(p!.content.startsWith('UNO/EINS')).toBe(true);
    }
    for (const c of owner) {
      const { editConflict } = await c.gql(
        'query ($o: ID!, $id: ID!) { editConflict(orgId: $o, id: $id) { status } }',
        {
          o: orgId,
          id: conflictId,
        },
      );
      expect(editConflict.status).toBe('resolved');
    }
  });
});
