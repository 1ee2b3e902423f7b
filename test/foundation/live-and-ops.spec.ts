/**
 * What an operator and a live browser see: health, Prometheus metrics, and
 * GraphQL subscriptions pushing page changes made by someone else.
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

  it('pushes a page edit to a subscribed member', async () => {
    const reader = gw.client();
    await reader.signUp('reader');
    const { code } = (
      await owner.gql('mutation ($i: CreateInviteInput!) { createInvite(input: $i) { code } }', {
        i: { orgId, role: 'viewer' },
      })
    ).createInvite;
    await reader.gql('mutation ($c: String!) { redeemInvite(code: $c) { id } }', { c: code });

    const ws = createClient({
      url: `${gw.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: class extends WebSocket {
        constructor(url: string, protocols: string[]) {
          super(url, protocols, { headers: { cookie: reader.cookie! } });
        }
      },
      retryAttempts: 0,
    });
    try {
      const received = new Promise<{ path: string; content: string }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no live update within 10 s')), 10_000);
        ws.subscribe<{ wikiPageChanged: { path: string; content: string } }>(
          {
            query: 'subscription ($o: ID!) { wikiPageChanged(orgId: $o) { path content } }',
            variables: { o: orgId },
          },
          {
            next: (msg) => {
              if (msg.errors) reject(new Error(JSON.stringify(msg.errors)));
              if (msg.data) {
                clearTimeout(timer);
                resolve(msg.data.wikiPageChanged);
              }
            },
            error: reject,
            complete: () => undefined,
          },
        );
      });
      // Give the subscription a moment to register before writing.
      await new Promise((r) => setTimeout(r, 300));
      await owner.gql('mutation ($i: SaveWikiPageInput!) { saveWikiPage(input: $i) { path } }', {
        i: { orgId, path: 'news', title: 'News', content: 'the well is fixed' },
      });
      expect(await received).toEqual({ path: 'news', content: 'the well is fixed' });
    } finally {
      await ws.dispose();
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
