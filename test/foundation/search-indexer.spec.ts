/**
 * Search entries are written after commits (SearchIndexer), not in the
 * write's transaction: a search still sees every committed change, the
 * background catches up on its own, and marks left at a stop are indexed
 * at the next start.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startTestGateway, type TestGateway } from '../support/gateway-harness.js';
import type { GraphQLClient } from '../support/graphql-client.js';

const SAVE = `mutation ($input: SaveWikiPageInput!) { saveWikiPage(input: $input) { currentRevisionId } }`;

async function waitFor(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the search indexer', () => {
  let gw: TestGateway;
  let dataDir: string;
  let amina: GraphQLClient;
  let orgId: string;

  const save = (path: string, content: string) =>
    amina.gql(SAVE, { input: { orgId, path, title: path, content } });
  const marked = async (g: TestGateway) =>
    (await g.gateway.dataSource.query('SELECT count(*) AS n FROM search_doc WHERE stale > 0'))[0].n;

  beforeAll(async () => {
    gw = await startTestGateway();
    dataDir = gw.dataDir;
    amina = gw.client();
    await amina.signUp('amina');
    orgId = (
      await amina.gql('mutation { createOrganization(input: { name: "Co-op", slug: "coop" }) { id } }')
    ).createOrganization.id;
  });
  afterAll(async () => {
    await gw.close();
    removeDir(dataDir);
  });

  it('lets a search made right after a save find it', async () => {
    for (let i = 0; i < 5; i++) {
      await save(`notes-${i}`, `irrigation schedule ${i}`);
      const { search } = await amina.gql('query ($q: String!) { search(query: $q) { ref } }', {
        q: `irrigation ${i}`,
      });
      expect(search).toEqual([{ ref: `notes-${i}` }]);
    }
  });

  it('indexes saved pages in the background, with no search', async () => {
    await save('borehole', 'the borehole pump');
    await waitFor(async () => (await marked(gw)) === 0);
    const hits = await gw.gateway.dataSource.query(
      'SELECT ref FROM search_index WHERE search_index MATCH ?',
      ['borehole'],
    );
    expect(hits).toEqual([{ ref: 'borehole' }]);
  });

  it('indexes at start what was marked but not indexed at a stop', async () => {
    await gw.close();
    // What a stop between a commit and the indexer leaves: a changed row, marked.
    const { openDatabase } = await import('../../apps/gateway/src/database/data-source.js');
    const db = await openDatabase(dataDir);
    await db.query(`UPDATE wiki_page SET content = 'the windmill pump' WHERE path = 'borehole'`);
    await db.query(`UPDATE search_doc SET stale = 1 WHERE ref = 'borehole'`);
    await db.destroy();
    gw = await startTestGateway({ dataDir });
    await waitFor(async () => (await marked(gw)) === 0);
    const match = (word: string) =>
      gw.gateway.dataSource.query('SELECT ref FROM search_index WHERE search_index MATCH ?', [word]);
    expect(await match('body:windmill')).toEqual([{ ref: 'borehole' }]);
    expect(await match('body:borehole')).toEqual([]);
  });
});
