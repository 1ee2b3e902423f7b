/**
 * Power cuts are the common fault on these boxes: a write acknowledged to the
 * user must survive the process being killed at once, and the op log must
 * have no gap after restart.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, removeDir, spawnGateway, tempDataDir } from '../support/gateway-harness.js';
import { GraphQLClient } from '../support/graphql-client.js';

const SAVE = 'mutation ($i: SaveWikiPageInput!) { saveWikiPage(input: $i) { currentRevisionId } }';

describe('crash safety', () => {
  const dataDir = tempDataDir();
  afterAll(() => removeDir(dataDir));

  it('keeps every acknowledged write across SIGKILL, with a gap-free op log', async () => {
    expect(existsSync(join(REPO_ROOT, 'apps/gateway/dist/main.js')), 'run `npm run build` first').toBe(true);
    let gateway = await spawnGateway(dataDir);
    const client = new GraphQLClient(gateway.url);
    await client.signUp('keeper');
    const orgId = (
      await client.gql('mutation { createOrganization(input: { name: "O", slug: "o" }) { id } }')
    ).createOrganization.id;

    // Writes in flight while the process dies: only acknowledged ones are promised.
    const acknowledged: string[] = [];
    let base: string | null = null;
    const writes = (async () => {
      for (let i = 0; i < 200; i++) {
        try {
          const content = `line ${i}`;
          const res: { saveWikiPage: { currentRevisionId: string } } = await client.gql(SAVE, {
            i: { orgId, path: 'log', title: 'Log', content, baseRevisionId: base },
          });
          base = res.saveWikiPage.currentRevisionId;
          acknowledged.push(content);
        } catch {
          return;
        }
      }
    })();
    while (acknowledged.length < 25) await new Promise((r) => setTimeout(r, 5));
    await gateway.stop('SIGKILL');
    await writes;

    gateway = await spawnGateway(dataDir);
    try {
      const again = new GraphQLClient(gateway.url);
      await again.logIn('keeper');
      const { wikiPage } = await again.gql(
        'query ($o: ID!) { wikiPage(orgId: $o, path: "log") { content } }',
        { o: orgId },
      );
      // The page shows the last acknowledged write (or a later one that committed just before the kill).
      const shown = Number(wikiPage.content.split(' ')[1]);
      expect(shown).toBeGreaterThanOrEqual(acknowledged.length - 1);
      const { wikiPageHistory } = await again.gql(
        'query ($o: ID!) { wikiPageHistory(orgId: $o, path: "log", first: 100) { nodes { content } } }',
        { o: orgId },
      );
      const kept = new Set(wikiPageHistory.nodes.map((n: { content: string }) => n.content));
      for (const content of acknowledged.slice(-100)) expect(kept.has(content), content).toBe(true);

      // A further write after restart continues the same hash chain.
      await again.gql(SAVE, { i: { orgId, path: 'after', title: 'After', content: 'restart' } });
    } finally {
      await gateway.stop('SIGTERM');
    }

    // Read the log directly: per author, seq runs 1..n with no gap and each op links to the one before.
    const sqlite3 = (await import('sqlite3')).default;
    const db = new sqlite3.Database(join(dataDir, 'gatehouse.sqlite'));
    const rows = await new Promise<{ author: string; seq: number; id: string; body: Buffer }[]>(
      (resolve, reject) =>
        db.all('SELECT author, seq, id, body FROM op ORDER BY author, seq', (err, r) =>
          err ? reject(err) : resolve(r as never),
        ),
    );
    db.close();
    const { decodeOp } = await import('@gatehouse/mesh');
    let previous: { author: string; seq: number; id: string } | null = null;
    for (const row of rows) {
      const op = decodeOp(new Uint8Array(row.body), new Uint8Array(64));
      if (previous?.author === row.author) {
        expect(row.seq).toBe(previous.seq + 1);
        expect(op.prev).toBe(previous.id);
      } else {
        expect(row.seq).toBe(1);
      }
      previous = row;
    }
    expect(rows.length).toBeGreaterThan(acknowledged.length);
  }, 90_000);
});
