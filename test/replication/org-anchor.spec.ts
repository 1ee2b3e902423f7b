/**
 * A log is anchored on the creation op this gateway first applied. A root
 * `org.created` is placed where its author's clock says, so without the
 * anchor any key a peer relays could backdate a creation of an existing
 * organisation, become its first owner, and leave every op of the real
 * creator void (its gateway admitted by a creation that no longer counts).
 */
import { generateIdentity, type Op } from '@gatehouse/mesh';
import { afterAll, describe, expect, it } from 'vitest';
import { OrgAnchor1700000001200 } from '../../apps/gateway/src/database/migrations/1700000001200-org-anchor.js';
import { OpJudge } from '../../apps/gateway/src/mesh/authority/op-judge.js';
import { type IngestOptions, OpLogService } from '../../apps/gateway/src/oplog/oplog.service.js';
import { type Author, appendOp } from '../foundation/op-generator.js';
import { removeDir, startTestGateway, type TestGateway } from '../support/gateway-harness.js';
import { createOrganization } from './support/mesh-fixture.js';

const judged: IngestOptions = { authority: (tx) => new OpJudge(tx) };

/** A key nobody admitted: an earlier creation of `org` (by the clock it claims), then the owner demoted. */
async function takeover(org: string, owner: string): Promise<Op[]> {
  const evil: Author = { identity: await generateIdentity(), ops: [], wall: 10 };
  const write = (actor: string, kind: string, entity: string, payload: unknown) =>
    appendOp(evil, { org, actor, kind, entity, payload: payload as never });
  write('acc-evil', 'org.created', org, {
    id: org,
    parentId: null,
    slug: 'mine',
    name: 'Mine',
    description: '',
  });
  write('acc-evil', 'member.role', `${org}/${owner}`, { orgId: org, accountId: owner, role: 'none' });
  return evil.ops;
}

async function anchorOf(gw: TestGateway, org: string): Promise<string | undefined> {
  const [row] = await gw.gateway.dataSource.query('SELECT creation_id FROM org_anchor WHERE org_id = ?', [
    org,
  ]);
  return row?.creation_id;
}

describe('organisation logs anchored on their creation', () => {
  const gateways: TestGateway[] = [];
  afterAll(async () => {
    for (const gw of gateways) {
      await gw.close();
      removeDir(gw.dataDir);
    }
  });

  it('the creating gateway refuses a backdated creation of its organisation', async () => {
    const gw = await startTestGateway();
    gateways.push(gw);
    const client = gw.client();
    const owner = await client.signUp('founder');
    const org = await createOrganization(client, 'village');
    const [creation] = await gw.gateway.dataSource.query(
      `SELECT id FROM op WHERE org = ? AND kind = 'org.created' AND entity = org`,
      [org],
    );
    expect(await anchorOf(gw, org)).toBe(creation.id);

    const oplog = gw.gateway.app.get(OpLogService);
    const result = await oplog.ingest(await takeover(org, owner), judged);
    expect(result.applied).toEqual([]);
    expect(result.rejected.map((r) => r.reason)).toEqual([
      'not-admitted (organisation created by another op)',
      'follows a refused op',
    ]);
    expect(await oplog.voidOpsOf(org)).toEqual([]);
    const { organization } = await client.gql('query ($k: String!) { organization(key: $k) { name } }', {
      k: org,
    });
    expect(organization.name).toBe('Org village');
  }, 60_000);

  it('a gateway holding a log refuses one relayed later, and a rebuild keeps the anchor', async () => {
    const g1: Author = { identity: await generateIdentity(), ops: [], wall: 1_000 };
    const org = 'org-anchored';
    appendOp(g1, {
      org,
      actor: 'acc-owner',
      kind: 'org.created',
      entity: org,
      payload: { id: org, parentId: null, slug: 'a', name: 'A', description: '' } as never,
    });
    const page = appendOp(g1, {
      org,
      actor: 'acc-owner',
      kind: 'wiki.revision',
      entity: `${org}/home`,
      payload: { orgId: org, path: 'home', title: 'Home', content: 'hello', resolves: false } as never,
    });
    const gw = await startTestGateway();
    gateways.push(gw);
    const oplog = gw.gateway.app.get(OpLogService);
    expect((await oplog.ingest(g1.ops, judged)).applied.length).toBe(2);
    expect((await oplog.ingest(await takeover(org, 'acc-owner'), judged)).applied).toEqual([]);
    await oplog.rebuild(judged);
    expect(await oplog.voidOpsOf(org)).toEqual([]);
    expect(await anchorOf(gw, org)).toBe(g1.ops[0].id);
    const [row] = await gw.gateway.dataSource.query('SELECT content FROM wiki_page WHERE org_id = ?', [org]);
    expect(row.content).toBe((page.payload as { content: string }).content);

    // A database from before anchors: each log is anchored on its first creation held.
    await gw.gateway.dataSource.query('DROP TABLE org_anchor');
    const runner = gw.gateway.dataSource.createQueryRunner();
    await new OrgAnchor1700000001200().up(runner);
    await runner.release();
    expect(await anchorOf(gw, org)).toBe(g1.ops[0].id);
  }, 60_000);
});
