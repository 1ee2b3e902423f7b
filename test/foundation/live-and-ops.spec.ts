/**
 * What an operator and a live browser see: health, Prometheus metrics, and
 * GraphQL subscriptions pushing page changes and activity made by someone else.
 */
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { removeDir, startTestGateway, type TestGateway } from '../support/gateway-harness.js';
import type { GraphQLClient } from '../support/graphql-client.js';

describe('live updates and operations endpoints', () => {
  let gw: TestGateway;
  let owner: GraphQLClient;
  let orgId: string;

  beforeAll(async () => {
    gw = await startTestGateway();
    owner = gw.client();
    await owner.signUp('owner');
    orgId = (await owner.gql('mutation { createOrganization(input: { name: "Org", slug: "org" }) { id } }'))
      .createOrganization.id;
  });
  afterAll(async () => {
    await gw.close();
    removeDir(gw.dataDir);
  });

  async function joinAs(member: GraphQLClient, role: string): Promise<void> {
    const { code } = (
      await owner.gql('mutation ($i: CreateInviteInput!) { createInvite(input: $i) { code } }', {
        i: { orgId, role },
      })
    ).createInvite;
    await member.gql('mutation ($c: String!) { redeemInvite(code: $c) { id } }', { c: code });
  }

  /** A subscription over graphql-ws, authenticated by the member's session cookie, read message by message. */
  function subscribeAs<T>(member: GraphQLClient, query: string, variables: Record<string, unknown>) {
    const ws = createClient({
      url: `${gw.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: class extends WebSocket {
        constructor(url: string, protocols: string[]) {
          super(url, protocols, { headers: { cookie: member.cookie! } });
        }
      },
      retryAttempts: 0,
    });
    const queue: T[] = [];
    const waiting: { resolve: (v: T) => void; reject: (e: Error) => void }[] = [];
    let failure: Error | null = null;
    let count = 0;
    const fail = (err: Error) => {
      failure = err;
      for (const w of waiting.splice(0)) w.reject(err);
    };
    ws.subscribe<T>(
      { query, variables },
      {
        next: (msg) => {
          if (msg.errors) return fail(new Error(JSON.stringify(msg.errors)));
          count += 1;
          const w = waiting.shift();
          if (w) w.resolve(msg.data as T);
          else queue.push(msg.data as T);
        },
        error: (err) => fail(err instanceof Error ? err : new Error(JSON.stringify(err))),
        complete: () => undefined,
      },
    );
    return {
      // Subscribing is asynchronous on the server: give it a moment before writing.
      ready: new Promise((r) => setTimeout(r, 1000)),
      next(): Promise<T> {
        if (queue.length) return Promise.resolve(queue.shift()!);
        if (failure) return Promise.reject(failure);
        return new Promise<T>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('no live update within 10 s')), 10_000);
          waiting.push({
            resolve: (v) => {
              clearTimeout(timer);
              resolve(v);
            },
            reject: (e) => {
              clearTimeout(timer);
              reject(e);
            },
          });
        });
      },
      received: () => count,
      close: () => ws.dispose(),
    };
  }

  it('pushes a page edit to a subscribed member', async () => {
    const reader = gw.client();
    await reader.signUp('reader');
    await joinAs(reader, 'viewer');

    const live = subscribeAs<{ wikiPageChanged: { path: string; content: string } }>(
      reader,
      'subscription ($o: ID!) { wikiPageChanged(orgId: $o) { path content } }',
      { o: orgId },
    );
    try {
      await live.ready;
      await owner.gql('mutation ($i: SaveWikiPageInput!) { saveWikiPage(input: $i) { path } }', {
        i: { orgId, path: 'news', title: 'News', content: 'the well is fixed' },
      });
      expect((await live.next()).wikiPageChanged).toEqual({ path: 'news', content: 'the well is fixed' });
    } finally {
      await live.close();
    }
  });

  it('tells a member of changes to decisions, projects and workflows, by domain and entity', async () => {
    const watcher = gw.client();
    await watcher.signUp('watcher');
    await joinAs(watcher, 'viewer');
    type Activity = { orgActivity: { orgId: string; domain: string; kind: string; entity: string } };
    const ACTIVITY =
      'subscription ($o: ID!, $d: [String!], $e: ID) { orgActivity(orgId: $o, domains: $d, entity: $e) { orgId domain kind entity } }';
    const projects = subscribeAs<Activity>(watcher, ACTIVITY, { o: orgId, d: ['project'] });
    const everything = subscribeAs<Activity>(watcher, ACTIVITY, { o: orgId });
    try {
      await Promise.all([projects.ready, everything.ready]);
      // A wiki edit is not activity of these domains; a project is.
      await owner.gql('mutation ($i: SaveWikiPageInput!) { saveWikiPage(input: $i) { path } }', {
        i: { orgId, path: 'quiet', title: 'Quiet', content: 'no activity' },
      });
      const { createProject } = await owner.gql(
        'mutation ($i: CreateProjectInput!) { createProject(input: $i) { id } }',
        { i: { orgId, name: 'Borehole' } },
      );
      const created = { orgId, domain: 'project', kind: 'project.created', entity: createProject.id };
      expect((await projects.next()).orgActivity).toEqual(created);
      expect((await everything.next()).orgActivity).toEqual(created);

      const oneDecision = (entity: string) =>
        subscribeAs<Activity>(watcher, ACTIVITY, { o: orgId, d: ['decision'], e: entity });
      const { createDecision } = await owner.gql(
        'mutation ($i: CreateDecisionInput!) { createDecision(input: $i) { id options { id } } }',
        {
          i: {
            orgId,
            title: 'Fence the garden?',
            method: 'majority',
            options: ['yes', 'no'],
            deadline: new Date(Date.now() + 3_600_000).toISOString(),
          },
        },
      );
      expect((await everything.next()).orgActivity.kind).toBe('decision.created');
      const decision = oneDecision(createDecision.id);
      try {
        await decision.ready;
        await owner.gql('mutation ($i: CastVoteInput!) { castVote(input: $i) { id } }', {
          i: { orgId, decisionId: createDecision.id, choices: [createDecision.options[0].id] },
        });
        const voted = (await decision.next()).orgActivity;
        expect(voted).toMatchObject({ kind: 'decision.voted', entity: createDecision.id });
        expect((await everything.next()).orgActivity.kind).toBe('decision.voted');
      } finally {
        await decision.close();
      }
      expect(projects.received()).toBe(1);
    } finally {
      await projects.close();
      await everything.close();
    }
  });

  it('refuses activity of an organisation to someone outside it', async () => {
    const outsider = gw.client();
    await outsider.signUp('outsider');
    const live = subscribeAs(outsider, 'subscription ($o: ID!) { orgActivity(orgId: $o) { kind } }', {
      o: orgId,
    });
    try {
      await expect(live.next()).rejects.toThrow(/not a member/);
    } finally {
      await live.close();
    }
  });

  it('serves health and Prometheus metrics', async () => {
    const health = (await (await fetch(`${gw.url}/healthz`)).json()) as { status: string; peerId: string };
    expect(health.status).toBe('ok');
    expect(health.peerId).toBe(gw.gateway.identity.peerId);
    // One query that runs, one refused before execution (a syntax error), one that runs into an error.
    await owner.gql('{ organizations { id } }');
    await expect(owner.gql('{ organizations {')).rejects.toThrow();
    await expect(owner.gql('query { organization(key: "nowhere") { id } }')).rejects.toThrow();
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toMatch(/gatehouse_graphql_operations_total\{type="query",outcome="ok"\} [1-9]/);
    expect(metrics).toMatch(/gatehouse_graphql_operations_total\{type="mutation",outcome="ok"\} [1-9]/);
    expect(metrics).toMatch(/gatehouse_graphql_operations_total\{type="query",outcome="error"\} [1-9]/);
    expect(metrics).toMatch(/gatehouse_graphql_operations_total\{type="unknown",outcome="refused"\} [1-9]/);
    expect(metrics).toMatch(/gatehouse_graphql_operation_duration_seconds_count\{type="query"\} [1-9]/);
    expect(metrics).toMatch(/gatehouse_graphql_errors_total\{code="GRAPHQL_PARSE_FAILED"\} [1-9]/);
    expect(metrics).toMatch(/gatehouse_oplog_ops_appended_total\{origin="local"\} [1-9]/);
    expect(metrics).toMatch(/gatehouse_http_requests_total\{method="POST",route="\/graphql",status="200"\}/);
    expect(metrics).toMatch(/gatehouse_db_size_bytes\{file="db"\} [1-9]/);
    expect(metrics).toMatch(/gatehouse_oplog_ops [1-9]/);
  });
});
