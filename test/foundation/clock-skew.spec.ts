/**
 * Many boxes have no real-time clock and boot without network time. A gateway
 * whose clock is decades behind must still order its edits after the ones it
 * has seen, across restarts, so last-writer-wins and page history stay right.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { OpLogService } from '../../apps/gateway/src/oplog/oplog.service.js';
import { StateHashService } from '../../apps/gateway/src/oplog/state-hash.service.js';
import { removeDir, startTestGateway, type TestGateway } from '../support/gateway-harness.js';

const SAVE =
  'mutation ($i: SaveWikiPageInput!) { saveWikiPage(input: $i) { currentRevisionId headRevisionIds conflictId content } }';
const STUCK_IN_1970 = () => 5_000;

async function copyLog(from: TestGateway, to: TestGateway, orgId: string) {
  const ops = await from.gateway.app.get(OpLogService).opsOf(orgId);
  const result = await to.gateway.app.get(OpLogService).ingest(ops);
  expect(result.rejected).toEqual([]);
}

describe('a gateway with its clock decades off', () => {
  const gateways: TestGateway[] = [];
  afterAll(async () => {
    for (const gw of gateways) {
      await gw.close().catch(() => undefined);
      removeDir(gw.dataDir);
    }
  });

  it('orders its edits after what it has seen, before and after a restart', async () => {
    const accurate = await startTestGateway();
    let skewed = await startTestGateway({ wallClock: STUCK_IN_1970 });
    gateways.push(accurate, skewed);

    const onAccurate = accurate.client();
    await onAccurate.signUp('amina');
    const orgId = (
      await onAccurate.gql('mutation { createOrganization(input: { name: "O", slug: "o" }) { id } }')
    ).createOrganization.id;
    const v1 = (
      await onAccurate.gql(SAVE, { i: { orgId, path: 'home', title: 'Home', content: 'written in 2026' } })
    ).saveWikiPage;
    const post = (
      await onAccurate.gql('mutation ($i: CreateBlogPostInput!) { createBlogPost(input: $i) { id } }', {
        i: { orgId, title: 'News', content: 'x', publish: true },
      })
    ).createBlogPost;

    // The skewed gateway receives the log, and the member logs in there with the same password.
    await copyLog(accurate, skewed, orgId);
    const onSkewed = skewed.client();
    await onSkewed.logIn('amina');
    const v2 = (
      await onSkewed.gql(SAVE, {
        i: {
          orgId,
          path: 'home',
          title: 'Home',
          content: 'edited on the 1970 box',
          baseRevisionId: v1.currentRevisionId,
        },
      })
    ).saveWikiPage;
    await onSkewed.gql(
      'mutation ($o: ID!, $p: ID!) { setBlogPostStatus(orgId: $o, postId: $p, status: draft) { id } }',
      {
        o: orgId,
        p: post.id,
      },
    );

    // Restarting keeps the clock ahead of everything in the log, not of the wall clock.
    await skewed.close();
    skewed = await startTestGateway({ dataDir: skewed.dataDir, wallClock: STUCK_IN_1970 });
    gateways.push(skewed);
    const again = skewed.client();
    await again.logIn('amina');
    const v3 = (
      await again.gql(SAVE, {
        i: {
          orgId,
          path: 'home',
          title: 'Home',
          content: 'after a reboot in 1970',
          baseRevisionId: v2.currentRevisionId,
        },
      })
    ).saveWikiPage;

    await copyLog(skewed, accurate, orgId);
    for (const gw of [accurate, skewed]) {
      const c = gw === accurate ? onAccurate : again;
      const { wikiPage } = await c.gql(
        'query ($o: ID!) { wikiPage(orgId: $o, path: "home") { content headRevisionIds conflictId } }',
        {
          o: orgId,
        },
      );
      expect(wikiPage).toEqual({
        content: 'after a reboot in 1970',
        headRevisionIds: [v3.currentRevisionId],
        conflictId: null,
      });
      const { blogPost } = await c.gql(
        'query ($o: ID!, $p: ID!) { blogPost(orgId: $o, id: $p) { status } }',
        { o: orgId, p: post.id },
      );
      expect(blogPost.status).toBe('draft');
    }
    // Each edit's timestamp is later than the one it was based on, though two were made "in 1970".
    const ops = await accurate.gateway.app.get(OpLogService).opsOf(orgId);
    const hlcOf = (id: string) => ops.find((op) => op.id === id)!.hlc;
    const [t1, t2, t3] = [v1, v2, v3].map((v) => hlcOf(v.currentRevisionId));
    expect(t1 < t2 && t2 < t3).toBe(true);
    const [ha, hb] = await Promise.all(
      [accurate, skewed].map((gw) => gw.gateway.app.get(StateHashService).stateHash(orgId)),
    );
    expect(ha).toBe(hb);
  });
});
