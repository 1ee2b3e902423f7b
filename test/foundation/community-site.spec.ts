/**
 * The foundation as a community uses it, through GraphQL on a real gateway
 * with a real SQLite file: accounts, organisations and departments, invites,
 * roles, wiki pages and blog posts, search, and concurrent edits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startTestGateway, type TestGateway } from '../support/gateway-harness.js';
import type { GraphQLClient } from '../support/graphql-client.js';

const SAVE_PAGE = `mutation ($input: SaveWikiPageInput!) {
  saveWikiPage(input: $input) { path title content html currentRevisionId headRevisionIds conflictId }
}`;
const PAGE = `query ($orgId: ID!, $path: String!) {
  wikiPage(orgId: $orgId, path: $path) {
    title content currentRevisionId headRevisionIds conflictId
    conflict { id status heads { id content authorId } }
  }
}`;

describe('a community site on one gateway', () => {
  let gw: TestGateway;
  let amina: GraphQLClient;
  let baraka: GraphQLClient;
  let chidi: GraphQLClient;
  let orgId: string;
  let barakaId: string;

  beforeAll(async () => {
    gw = await startTestGateway();
    amina = gw.client();
    baraka = gw.client();
    chidi = gw.client();
    await amina.signUp('amina');
    barakaId = await baraka.signUp('baraka');
    await chidi.signUp('chidi');
  });
  afterAll(async () => {
    await gw.close();
    removeDir(gw.dataDir);
  });

  it('makes the first account the operator, and only the first', async () => {
    expect((await amina.gql('{ me { isOperator account { name } } }')).me).toEqual({
      isOperator: true,
      account: { name: 'amina' },
    });
    expect((await baraka.gql('{ me { isOperator } }')).me.isOperator).toBe(false);
  });

  it('creates an organisation with a department', async () => {
    const { createOrganization } = await amina.gql(
      'mutation { createOrganization(input: { name: "Kijiji Co-op", slug: "kijiji" }) { id slug myRole } }',
    );
    orgId = createOrganization.id;
    expect(createOrganization).toMatchObject({ slug: 'kijiji', myRole: 'owner' });
    const { createDepartment } = await amina.gql(
      'mutation ($p: ID!) { createDepartment(parentId: $p, input: { name: "Water", slug: "water" }) { id parentId rootId myRole } }',
      { p: orgId },
    );
    expect(createDepartment).toMatchObject({ parentId: orgId, rootId: orgId, myRole: 'owner' });
    const { organization } = await amina.gql('{ organization(key: "kijiji") { departments { slug } } }');
    expect(organization.departments).toEqual([{ slug: 'water' }]);
  });

  it('invites members by code with the role the invite carries', async () => {
    const invite = async (role: string) =>
      (
        await amina.gql(
          'mutation ($i: CreateInviteInput!) { createInvite(input: $i) { code invite { role uses } } }',
          {
            i: { orgId, role },
          },
        )
      ).createInvite;
    const editorInvite = await invite('editor');
    expect(editorInvite.invite).toEqual({ role: 'editor', uses: 0 });
    await baraka.gql('mutation ($c: String!) { redeemInvite(code: $c) { id } }', { c: editorInvite.code });
    const viewerInvite = await invite('viewer');
    await chidi.gql('mutation ($c: String!) { redeemInvite(code: $c) { id } }', { c: viewerInvite.code });
    // A one-use code cannot be used twice.
    expect(
      await chidi.failure('mutation ($c: String!) { redeemInvite(code: $c) { id } }', {
        c: editorInvite.code,
      }),
    ).toBe('CONFLICT');
    const { organization } = await amina.gql(
      '{ organization(key: "kijiji") { members { account { name } role } } }',
    );
    expect(organization.members).toEqual([
      { account: { name: 'amina' }, role: 'owner' },
      { account: { name: 'baraka' }, role: 'editor' },
      { account: { name: 'chidi' }, role: 'viewer' },
    ]);
    expect((await baraka.gql('{ organizations { slug myRole } }')).organizations).toEqual([
      { slug: 'kijiji', myRole: 'editor' },
      { slug: 'water', myRole: 'editor' },
    ]);
  });

  it('writes and edits pages, with history and diffs', async () => {
    const created = (
      await amina.gql(SAVE_PAGE, {
        input: { orgId, path: 'guides/water-pump', title: 'Water pump', content: 'Step 1\nStep 2' },
      })
    ).saveWikiPage;
    expect(created.html).toContain('<p>Step 1');
    const edited = (
      await baraka.gql(SAVE_PAGE, {
        input: {
          orgId,
          path: 'guides/water-pump',
          title: 'Water pump',
          content: 'Step 1\nStep 2\nStep 3',
          baseRevisionId: created.currentRevisionId,
        },
      })
    ).saveWikiPage;
    expect(edited.headRevisionIds).toEqual([edited.currentRevisionId]);
    const { wikiPageHistory } = await amina.gql(
      `{ wikiPageHistory(orgId: "${orgId}", path: "guides/water-pump") { nodes { id parentIds } } }`,
    );
    expect(wikiPageHistory.nodes.map((n: { id: string }) => n.id)).toEqual([
      edited.currentRevisionId,
      created.currentRevisionId,
    ]);
    const { revisionDiff } = await amina.gql(
      'query ($o: ID!, $a: ID!, $b: ID!) { revisionDiff(orgId: $o, fromId: $a, toId: $b) { lines { kind text } } }',
      { o: orgId, a: created.currentRevisionId, b: edited.currentRevisionId },
    );
    expect(revisionDiff.lines).toContainEqual({ kind: 'added', text: 'Step 3' });
  });

  it('refuses a viewer’s write with FORBIDDEN and changes nothing', async () => {
    const before = (
      await amina.gql('query ($k: String!) { organization(key: $k) { stateHash } }', { k: orgId })
    ).organization;
    expect(await chidi.failure(SAVE_PAGE, { input: { orgId, path: 'hack', title: 'x', content: 'x' } })).toBe(
      'FORBIDDEN',
    );
    expect(
      await chidi.failure('mutation ($i: CreateBlogPostInput!) { createBlogPost(input: $i) { id } }', {
        i: { orgId, title: 'x', content: 'y' },
      }),
    ).toBe('FORBIDDEN');
    const after = (
      await amina.gql('query ($k: String!) { organization(key: $k) { stateHash } }', { k: orgId })
    ).organization;
    expect(after.stateHash).toBe(before.stateHash);
    expect((await chidi.gql(PAGE, { orgId, path: 'hack' })).wikiPage).toBeNull();
  });

  it('merges two concurrent edits of different lines into one deterministic merge revision', async () => {
    const base = (
      await amina.gql(SAVE_PAGE, {
        input: { orgId, path: 'notes', title: 'Notes', content: 'one\ntwo\nthree\nfour\nfive' },
      })
    ).saveWikiPage;
    await amina.gql(SAVE_PAGE, {
      input: {
        orgId,
        path: 'notes',
        title: 'Notes',
        content: 'ONE\ntwo\nthree\nfour\nfive',
        baseRevisionId: base.currentRevisionId,
      },
    });
    const merged = (
      await baraka.gql(SAVE_PAGE, {
        input: {
          orgId,
          path: 'notes',
          title: 'Notes',
          content: 'one\ntwo\nthree\nfour\nFIVE',
          baseRevisionId: base.currentRevisionId,
        },
      })
    ).saveWikiPage;
    expect(merged.content).toBe('ONE\ntwo\nthree\nfour\nFIVE');
    expect(merged.headRevisionIds).toHaveLength(2);
    expect(merged.conflictId).toBeNull();
    const { revision } = await amina.gql(
      'query ($o: ID!, $id: ID!) { revision(orgId: $o, id: $id) { isMerge parentIds } }',
      {
        o: orgId,
        id: merged.currentRevisionId,
      },
    );
    expect(revision).toEqual({ isMerge: true, parentIds: [...merged.headRevisionIds].sort() });
    // Editing on top of the merge names both heads, so the page has one head again.
    const next = (
      await amina.gql(SAVE_PAGE, {
        input: {
          orgId,
          path: 'notes',
          title: 'Notes',
          content: `${merged.content}\nsix`,
          baseRevisionId: merged.currentRevisionId,
        },
      })
    ).saveWikiPage;
    expect(next.headRevisionIds).toEqual([next.currentRevisionId]);
  });

  it('raises one conflict for overlapping edits, shows both versions, and clears it on resolution', async () => {
    const base = (
      await amina.gql(SAVE_PAGE, {
        input: { orgId, path: 'rota', title: 'Rota', content: 'Monday: Amina\nTuesday: Baraka' },
      })
    ).saveWikiPage;
    await amina.gql(SAVE_PAGE, {
      input: {
        orgId,
        path: 'rota',
        title: 'Rota',
        content: 'Monday: Chidi\nTuesday: Baraka',
        baseRevisionId: base.currentRevisionId,
      },
    });
    const clash = (
      await baraka.gql(SAVE_PAGE, {
        input: {
          orgId,
          path: 'rota',
          title: 'Rota',
          content: 'Monday: Baraka\nTuesday: Baraka',
          baseRevisionId: base.currentRevisionId,
        },
      })
    ).saveWikiPage;
    expect(clash.conflictId).not.toBeNull();
    const page = (await chidi.gql(PAGE, { orgId, path: 'rota' })).wikiPage;
    expect(page.conflict.status).toBe('open');
    expect(page.conflict.heads.map((h: { content: string }) => h.content).sort()).toEqual([
      'Monday: Baraka\nTuesday: Baraka',
      'Monday: Chidi\nTuesday: Baraka',
    ]);
    const { conflicts } = await amina.gql(
      'query ($o: ID!) { conflicts(orgId: $o) { nodes { id docKey status } } }',
      { o: orgId },
    );
    expect(conflicts.nodes).toEqual([{ id: clash.conflictId, docKey: 'rota', status: 'open' }]);

    expect(
      await chidi.failure(
        'mutation ($i: ResolveConflictInput!) { resolveEditConflict(input: $i) { status } }',
        { i: { orgId, conflictId: clash.conflictId, title: 'Rota', content: 'x' } },
      ),
    ).toBe('FORBIDDEN');
    const { resolveEditConflict } = await baraka.gql(
      'mutation ($i: ResolveConflictInput!) { resolveEditConflict(input: $i) { status resolvedById } }',
      {
        i: {
          orgId,
          conflictId: clash.conflictId,
          title: 'Rota',
          content: 'Monday: Chidi and Baraka\nTuesday: Baraka',
        },
      },
    );
    expect(resolveEditConflict.status).toBe('resolved');
    const after = (await chidi.gql(PAGE, { orgId, path: 'rota' })).wikiPage;
    expect(after).toMatchObject({
      conflictId: null,
      conflict: null,
      content: 'Monday: Chidi and Baraka\nTuesday: Baraka',
    });
    expect(after.headRevisionIds).toEqual([resolveEditConflict.resolvedById]);
    expect(
      (await amina.gql('query ($o: ID!) { conflicts(orgId: $o) { nodes { id } } }', { o: orgId })).conflicts
        .nodes,
    ).toEqual([]);
  });

  it('publishes posts and takes comments; drafts stay with editors', async () => {
    const { createBlogPost: draft } = await baraka.gql(
      'mutation ($i: CreateBlogPostInput!) { createBlogPost(input: $i) { id status authorId } }',
      { i: { orgId, title: 'Harvest fair', content: 'Saturday at the *market*.' } },
    );
    expect(draft).toEqual({ id: draft.id, status: 'draft', authorId: barakaId });
    const list = async (c: GraphQLClient) =>
      (await c.gql('query ($o: ID!) { blogPosts(orgId: $o) { nodes { id status } } }', { o: orgId }))
        .blogPosts.nodes;
    expect(await list(chidi)).toEqual([]);
    await baraka.gql(
      'mutation ($o: ID!, $p: ID!) { setBlogPostStatus(orgId: $o, postId: $p, status: published) { id } }',
      {
        o: orgId,
        p: draft.id,
      },
    );
    expect(await list(chidi)).toEqual([{ id: draft.id, status: 'published' }]);
    expect(
      await chidi.failure('mutation ($i: AddCommentInput!) { addComment(input: $i) { id } }', {
        i: { orgId, postId: draft.id, content: 'viewers cannot comment' },
      }),
    ).toBe('FORBIDDEN');
    await amina.gql('mutation ($i: AddCommentInput!) { addComment(input: $i) { id } }', {
      i: { orgId, postId: draft.id, content: 'See you there' },
    });
    const { blogPost } = await chidi.gql(
      'query ($o: ID!, $p: ID!) { blogPost(orgId: $o, id: $p) { html publishedAt comments { content } } }',
      {
        o: orgId,
        p: draft.id,
      },
    );
    expect(blogPost.html).toContain('<em>market</em>');
    expect(blogPost.publishedAt).not.toBeNull();
    expect(blogPost.comments).toEqual([{ content: 'See you there' }]);
  });

  it('searches pages and posts the reader may see, and nothing else', async () => {
    const { search } = await chidi.gql('{ search(query: "pump") { kind ref title } }');
    expect(search).toEqual([{ kind: 'page', ref: 'guides/water-pump', title: 'Water pump' }]);
    expect((await chidi.gql('{ search(query: "harvest") { kind } }')).search).toEqual([{ kind: 'post' }]);
    const outsider = gw.client();
    await outsider.signUp('dawit');
    expect((await outsider.gql('{ search(query: "pump") { ref } }')).search).toEqual([]);
    // FTS5 syntax in the query is taken as words, not operators.
    expect((await chidi.gql('{ search(query: "pump OR NEAR(\\"x\\"") { ref } }')).search).toEqual([]);
  });

  it('lets integrations use a bearer API token, until it is revoked', async () => {
    const { createApiToken } = await amina.gql(
      'mutation { createApiToken(name: "sms bridge") { token apiToken { id } } }',
    );
    const integration = gw.client();
    integration.token = createApiToken.token;
    expect((await integration.gql('{ me { account { name } } }')).me.account.name).toBe('amina');
    await integration.gql(SAVE_PAGE, { input: { orgId, path: 'from-sms', title: 'SMS', content: 'hello' } });
    await amina.gql('mutation ($id: ID!) { revokeApiToken(id: $id) { revokedAt } }', {
      id: createApiToken.apiToken.id,
    });
    expect(await integration.failure('{ organizations { id } }')).toBe('UNAUTHENTICATED');
  });
});
