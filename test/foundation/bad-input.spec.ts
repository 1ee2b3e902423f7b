/**
 * Bad input from users and integrations gets a coded error and changes
 * nothing: the op log and the organisation's state hash stay as they were.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startTestGateway, type TestGateway } from '../support/gateway-harness.js';
import { GraphQLClient } from '../support/graphql-client.js';

const codeOf = async (res: Response) =>
  ((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code;

describe('bad input', () => {
  let gw: TestGateway;
  let owner: GraphQLClient;
  let orgId: string;

  const snapshot = async () => {
    const [{ n }] = await gw.gateway.dataSource.query('SELECT count(*) AS n FROM op');
    const { organization } = await owner.gql('query ($k: String!) { organization(key: $k) { stateHash } }', {
      k: orgId,
    });
    return { ops: n as number, hash: organization.stateHash as string };
  };

  const post = (body: string, headers: Record<string, string>) =>
    fetch(`${gw.url}/graphql`, { method: 'POST', body, headers, signal: AbortSignal.timeout(10_000) });

  beforeAll(async () => {
    gw = await startTestGateway({ env: { GATEHOUSE_MAX_BODY_BYTES: '65536' } });
    owner = gw.client();
    await owner.signUp('owner');
    orgId = (await owner.gql('mutation { createOrganization(input: { name: "Org", slug: "org" }) { id } }'))
      .createOrganization.id;
  });
  afterAll(async () => {
    await gw.close();
    removeDir(gw.dataDir);
  });

  it('answers malformed and invalid GraphQL documents with 400 and a code', async () => {
    const before = await snapshot();
    const parse = await owner.request('mutation { saveWikiPage(input: { orgId: "x" ');
    expect(parse.status).toBe(400);
    expect(parse.errors?.[0].extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    const unknownField = await owner.request('{ organizations { id secret } }');
    expect(unknownField.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const badVariables = await owner.request(
      'mutation ($i: SaveWikiPageInput!) { saveWikiPage(input: $i) { path } }',
      {
        i: { orgId, path: 42 },
      },
    );
    expect(['GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'BAD_REQUEST']).toContain(
      badVariables.errors?.[0].extensions?.code,
    );
    const viaGet = await fetch(`${gw.url}/graphql?query=${encodeURIComponent('mutation { logOut }')}`);
    expect(viaGet.status).toBe(405);
    expect(await codeOf(viaGet)).toBe('METHOD_NOT_ALLOWED');
    const notJson = await post('{"query": ', {
      'content-type': 'application/json',
      'x-csrf-token': owner.csrfToken!,
    });
    expect(notJson.status).toBe(400);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses oversized bodies and oversized fields', async () => {
    const before = await snapshot();
    const huge = await post(
      JSON.stringify({ query: '{ me { isOperator } }', padding: 'x'.repeat(100_000) }),
      {
        'content-type': 'application/json',
      },
    );
    expect(huge.status).toBe(413);
    expect(await codeOf(huge)).toBe('PAYLOAD_TOO_LARGE');
    const longTitle = await owner.request(
      'mutation ($i: SaveWikiPageInput!) { saveWikiPage(input: $i) { path } }',
      {
        i: { orgId, path: 'p', title: 't'.repeat(301), content: 'c' },
      },
    );
    expect(longTitle.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(longTitle.errors?.[0].extensions?.fields?.[0].field).toBe('title');
    expect(await snapshot()).toEqual(before);
  });

  it('refuses queries that are too deep or too costly', async () => {
    let deep = 'id';
    for (let i = 0; i < 12; i++) deep = `departments { ${deep} }`;
    const tooDeep = await owner.request(`{ organizations { ${deep} } }`);
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.errors?.[0].extensions?.code).toBe('QUERY_TOO_DEEP');
    const tooCostly = await owner.request(
      'query ($o: ID!) { blogPosts(orgId: $o, first: 100) { nodes { id comments { id content html } } } }',
      { o: orgId },
    );
    expect(tooCostly.status).toBe(400);
    expect(tooCostly.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
    // The same document costs what its variables ask for, each time (costs are cached per page size).
    const byVariable =
      'query ($o: ID!, $n: Int, $c: Boolean!) { blogPosts(orgId: $o, first: $n) { nodes { id comments @include(if: $c) { id content html } } } }';
    for (const [n, c, code] of [
      [1, true, undefined],
      [100, true, 'QUERY_TOO_COMPLEX'],
      [100, false, undefined],
      [1, true, undefined],
    ] as const) {
      const answer = await owner.request(byVariable, { o: orgId, n, c });
      expect(answer.errors?.[0].extensions?.code).toBe(code);
    }
    const tooManyPerPage = await owner.request(
      'query ($o: ID!) { wikiPages(orgId: $o, first: 1000) { nodes { path } } }',
      {
        o: orgId,
      },
    );
    expect(tooManyPerPage.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses invalid page paths and unknown organisations', async () => {
    const before = await snapshot();
    for (const path of ['', '../etc/passwd', 'a//b', '/', 'a b', `x/${'y'.repeat(300)}`, 'q?x=1']) {
      const res = await owner.request(
        'mutation ($i: SaveWikiPageInput!) { saveWikiPage(input: $i) { path } }',
        {
          i: { orgId, path, title: 'T', content: 'c' },
        },
      );
      expect(res.errors?.[0].extensions?.code, `path ${JSON.stringify(path)}`).toBe('BAD_USER_INPUT');
    }
    expect(
      await owner.failure('mutation ($i: SaveWikiPageInput!) { saveWikiPage(input: $i) { path } }', {
        i: { orgId: 'no-such-org', path: 'p', title: 'T', content: 'c' },
      }),
    ).toBe('NOT_FOUND');
    expect(await owner.failure('{ organization(key: "nowhere") { id } }')).toBe('NOT_FOUND');
    expect(await owner.failure('{ wikiPages(orgId: "nowhere") { nodes { path } } }')).toBe('NOT_FOUND');
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a base revision that is not of the page, and re-creating an existing page', async () => {
    await owner.gql('mutation ($i: SaveWikiPageInput!) { saveWikiPage(input: $i) { path } }', {
      i: { orgId, path: 'exists', title: 'T', content: 'c' },
    });
    const before = await snapshot();
    expect(
      await owner.failure('mutation ($i: SaveWikiPageInput!) { saveWikiPage(input: $i) { path } }', {
        i: { orgId, path: 'exists', title: 'T', content: 'again' },
      }),
    ).toBe('CONFLICT');
    expect(
      await owner.failure('mutation ($i: SaveWikiPageInput!) { saveWikiPage(input: $i) { path } }', {
        i: { orgId, path: 'exists', title: 'T', content: 'c2', baseRevisionId: 'f'.repeat(64) },
      }),
    ).toBe('BAD_USER_INPUT');
    expect(await snapshot()).toEqual(before);
  });

  it('treats an expired session as logged out', async () => {
    const member = gw.client();
    await member.signUp('member');
    await gw.gateway.dataSource.query(
      'UPDATE session SET expires_at = 0 WHERE account_id = (SELECT id FROM account WHERE name = ?)',
      ['member'],
    );
    const res = await member.request(
      'mutation { createOrganization(input: { name: "Late", slug: "late" }) { id } }',
    );
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(res.errors?.[0].message).toMatch(/expired/);
    expect((await member.gql('{ me { isOperator } }')).me).toBeNull();
    const [{ n }] = await gw.gateway.dataSource.query(`SELECT count(*) AS n FROM org WHERE slug = 'late'`);
    expect(n).toBe(0);
  });

  it('refuses cross-site form posts and cookie requests without the CSRF token', async () => {
    const before = await snapshot();
    const mutation = `mutation { saveWikiPage(input: { orgId: "${orgId}", path: "csrf", title: "x", content: "x" }) { path } }`;
    const form = await post(`query=${encodeURIComponent(mutation)}`, {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: owner.cookie!,
    });
    expect(form.status).toBe(415);
    expect(await codeOf(form)).toBe('UNSUPPORTED_MEDIA_TYPE');
    const plain = await post(JSON.stringify({ query: mutation }), {
      'content-type': 'text/plain',
      cookie: owner.cookie!,
    });
    expect(plain.status).toBe(415);
    const noToken = await post(JSON.stringify({ query: mutation }), {
      'content-type': 'application/json',
      cookie: owner.cookie!,
    });
    expect(noToken.status).toBe(403);
    expect(await codeOf(noToken)).toBe('FORBIDDEN');
    expect(await snapshot()).toEqual(before);
  });

  it('rate-limits log-in attempts and rejects weak sign-ups with per-field errors', async () => {
    const guesser = new GraphQLClient(gw.url);
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < 10; i++) {
      codes.push(
        await guesser.failure(
          'mutation { logIn(input: { name: "owner", password: "wrong guess" }) { csrfToken } }',
        ),
      );
    }
    expect(codes.slice(0, 8).every((c) => c === 'UNAUTHENTICATED')).toBe(true);
    expect(codes.at(-1)).toBe('RATE_LIMITED');
    const weak = await guesser.request(
      'mutation { signUp(input: { name: "Bad Name!", password: "short" }) { csrfToken } }',
    );
    expect(weak.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(weak.errors?.[0].extensions?.fields?.map((f) => f.field)).toContain('password');
  });

  it('rate-limits password changes per account and sign-ups per device, creating nothing once limited', async () => {
    const member = new GraphQLClient(gw.url);
    await member.signUp('pw-guesser');
    const change =
      'mutation ($o: String!) { changePassword(oldPassword: $o, newPassword: "another long one") }';
    const changes: (string | undefined)[] = [];
    for (let i = 0; i < 9; i++) changes.push(await member.failure(change, { o: `guess ${i}` }));
    expect(changes.slice(0, 8)).toEqual(Array(8).fill('UNAUTHENTICATED'));
    expect(changes.at(-1)).toBe('RATE_LIMITED');
    // Even the right old password waits now.
    expect(await member.failure(change, { o: 'a long password' })).toBe('RATE_LIMITED');

    const accounts = async () =>
      ((await gw.gateway.dataSource.query('SELECT count(*) AS n FROM account')) as { n: number }[])[0].n;
    const signUp =
      'mutation ($n: String!) { signUp(input: { name: $n, password: "a long password" }) { csrfToken } }';
    let limited = -1;
    for (let i = 0; i < 32 && limited < 0; i++) {
      const answer = await new GraphQLClient(gw.url).request(signUp, { n: `flood-${i}` });
      if (answer.errors?.[0].extensions?.code === 'RATE_LIMITED') limited = i;
      else expect(answer.errors).toBeUndefined();
    }
    expect(limited).toBeGreaterThan(0);
    const before = await accounts();
    expect(await new GraphQLClient(gw.url).failure(signUp, { n: 'one-more' })).toBe('RATE_LIMITED');
    expect(await accounts()).toBe(before);
  });
});
