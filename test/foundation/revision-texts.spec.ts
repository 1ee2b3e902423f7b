/**
 * A revision's text is stored once: a revision that is an op keeps it only
 * in the op's body, a merge revision (no op carries it) in its row. History,
 * merges and conflicts read texts back from either, and undoing and redoing
 * the migration that moved them changes nothing anyone sees.
 */
import type { DataSource, QueryRunner } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RevisionTextInOp1700000001100 } from '../../apps/gateway/src/database/migrations/1700000001100-revision-text-in-op.js';
import { StateHashService } from '../../apps/gateway/src/oplog/state-hash.service.js';
import { removeDir, startTestGateway, type TestGateway } from '../support/gateway-harness.js';
import { createOrg, type TestOrg } from '../workflows/org-fixture.js';

const SAVE = `mutation ($input: SaveWikiPageInput!) { saveWikiPage(input: $input) { headRevisionIds } }`;
const READ = `query ($o: ID!, $p: String!) {
  wikiPage(orgId: $o, path: $p) { content conflict { heads { id content } } }
  wikiPageHistory(orgId: $o, path: $p, first: 100) { nodes { id content isMerge } } }`;

describe('revision texts', () => {
  let gw: TestGateway;
  let org: TestOrg;
  let db: DataSource;
  const saved = new Map<string, string>();

  /** Saves `content` as `who`, on `base`; remembers each revision's text. */
  const save = async (who: 'eve' | 'ed', path: string, content: string, base?: string) => {
    const { saveWikiPage } = await org.members[who].client.gql(SAVE, {
      input: { orgId: org.orgId, path, title: path, content, baseRevisionId: base },
    });
    // The new revision is the head not seen before (the page may show a merge of it).
    const id = (saveWikiPage.headRevisionIds as string[]).find((h) => !saved.has(h))!;
    saved.set(id, content);
    return id;
  };
  const read = async (path: string) => org.owner.client.gql(READ, { o: org.orgId, p: path });
  const everything = async () => ({
    merged: await read('merged'),
    clash: await read('clash'),
    hash: await gw.gateway.app.get(StateHashService).stateHash(org.orgId),
  });
  const stored = (): Promise<{ id: string; derived: number; content: string | null }[]> =>
    db.query('SELECT id, derived, content FROM doc_revision');

  beforeAll(async () => {
    gw = await startTestGateway();
    db = gw.gateway.dataSource;
    org = await createOrg(gw, 'texts', { eve: 'editor', ed: 'editor' });
    // Concurrent edits of different lines merge; of the same line, clash.
    const m1 = await save('eve', 'merged', 'one\ntwo\nthree\n');
    await save('eve', 'merged', 'ONE\ntwo\nthree\n', m1);
    await save('ed', 'merged', 'one\ntwo\nTHREE\n', m1);
    const c1 = await save('eve', 'clash', 'alpha\nbeta\n');
    await save('eve', 'clash', 'alpha\nBETA (eve)\n', c1);
    await save('ed', 'clash', 'alpha\nbeta (ed)\n', c1);
  });
  afterAll(async () => {
    await gw.close();
    removeDir(gw.dataDir);
  });

  it('stores an edit’s text only in its op, and a merge’s in its row', async () => {
    const rows = await stored();
    expect(rows.filter((r) => !r.derived).map((r) => r.id)).toEqual(
      expect.arrayContaining([...saved.keys()]),
    );
    for (const r of rows.filter((r) => !r.derived)) expect(r.content).toBeNull();
    const merges = rows.filter((r) => r.derived);
    expect(merges.map((r) => r.content)).toEqual(['ONE\ntwo\nTHREE\n']);
  });

  it('reads every text back: history, the merged page, both sides of a conflict', async () => {
    const { merged, clash } = await everything();
    expect(merged.wikiPage.content).toBe('ONE\ntwo\nTHREE\n');
    for (const rev of merged.wikiPageHistory.nodes.filter((r: { isMerge: boolean }) => !r.isMerge))
      expect(rev.content).toBe(saved.get(rev.id));
    expect(merged.wikiPageHistory.nodes).toHaveLength(4);
    const heads = clash.wikiPage.conflict.heads as { id: string; content: string }[];
    expect(heads.map((h) => h.content).sort()).toEqual(['alpha\nBETA (eve)\n', 'alpha\nbeta (ed)\n']);
    for (const h of heads) expect(h.content).toBe(saved.get(h.id));
  });

  it('undoes and redoes the migration without changing what is read or the state hash', async () => {
    const before = await everything();
    // This one migration, not the ones after it (undoing those would leave a schema today's code does not read).
    const migration = new RevisionTextInOp1700000001100();
    const inTransaction = async (step: (q: QueryRunner) => Promise<void>) => {
      const q = db.createQueryRunner();
      try {
        await q.startTransaction();
        await step(q);
        await q.commitTransaction();
      } finally {
        await q.release();
      }
    };
    await inTransaction((q) => migration.down(q));
    const undone = await stored();
    for (const r of undone.filter((r) => !r.derived)) expect(r.content).toBe(saved.get(r.id));
    // (The state hash is of stored rows, and these now hold texts.)
    expect({ ...(await everything()), hash: before.hash }).toEqual(before);

    await inTransaction((q) => migration.up(q));
    for (const r of (await stored()).filter((r) => !r.derived)) expect(r.content).toBeNull();
    expect(await everything()).toEqual(before);
  });
});
