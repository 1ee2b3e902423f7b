/**
 * Real gateways talking real libp2p on 127.0.0.1, for replication tests:
 * start N, create an organisation on one, invite and join the others.
 */

import { MeshNodeService } from '../../../apps/gateway/src/mesh/node/mesh-node.service.js';
import { OpLogService } from '../../../apps/gateway/src/oplog/oplog.service.js';
import { StateHashService } from '../../../apps/gateway/src/oplog/state-hash.service.js';
import { removeDir, startTestGateway, type TestGateway } from '../../support/gateway-harness.js';
import type { GraphQLClient } from '../../support/graphql-client.js';

export interface MeshGateway extends TestGateway {
  /** The first account here: the gateway's operator. */
  readonly operator: GraphQLClient;
  readonly peerId: string;
}

/** The mesh with the DHT and relay left as configured; only loopback, no mDNS. */
export const MESH_ENV = {
  GATEHOUSE_P2P_LISTEN: '/ip4/127.0.0.1/tcp/0',
  GATEHOUSE_MDNS: 'off',
  GATEHOUSE_RELAY: 'off',
};

export async function startMeshGateway(
  name: string,
  options: { dataDir?: string } = {},
): Promise<MeshGateway> {
  const gw = await startTestGateway({ dataDir: options.dataDir, env: MESH_ENV });
  const operator = gw.client();
  if (!options.dataDir) await operator.signUp(`${name}-operator`);
  else await operator.logIn(`${name}-operator`);
  return { ...gw, operator, peerId: gw.gateway.identity.peerId };
}

export async function startMeshGateways(count: number, prefix = 'gw'): Promise<MeshGateway[]> {
  const out: MeshGateway[] = [];
  // One at a time: two cores, shared with other test suites.
  for (let i = 0; i < count; i++) out.push(await startMeshGateway(`${prefix}${i}`));
  return out;
}

export async function stopAll(
  gateways: readonly (TestGateway | null | undefined)[],
  keepData = false,
): Promise<void> {
  for (const gw of gateways) {
    if (!gw) continue;
    await gw.close().catch(() => {});
    if (!keepData) removeDir(gw.dataDir);
  }
}

export async function createOrganization(client: GraphQLClient, slug: string): Promise<string> {
  const { createOrganization } = await client.gql(
    'mutation ($input: CreateOrganizationInput!) { createOrganization(input: $input) { id } }',
    { input: { name: `Org ${slug}`, slug } },
  );
  return createOrganization.id;
}

export async function inviteCode(admin: GraphQLClient, orgId: string): Promise<string> {
  const { inviteGateway } = await admin.gql(
    'mutation ($input: InviteGatewayInput!) { inviteGateway(input: $input) { code } }',
    { input: { orgId } },
  );
  return inviteGateway.code;
}

export async function join(gw: MeshGateway, code: string): Promise<{ orgId: string; ops: number }> {
  const { joinOrganization } = await gw.operator.gql(
    'mutation ($code: String!) { joinOrganization(code: $code) { orgId viaPeerId ops } }',
    { code },
  );
  return joinOrganization;
}

/** Admits each of `joiners` to `orgId` through `inviter`, with invites issued by `admin`. */
export async function admitAll(
  admin: GraphQLClient,
  orgId: string,
  joiners: readonly MeshGateway[],
): Promise<void> {
  for (const gw of joiners) await join(gw, await inviteCode(admin, orgId));
}

export function stateHash(gw: TestGateway, orgId: string): Promise<string> {
  return gw.gateway.app.get(StateHashService).stateHash(orgId);
}

export function opCount(gw: TestGateway, orgId: string): Promise<number> {
  return gw.gateway.app.get(OpLogService).opCount(orgId);
}

export function syncOf(gw: TestGateway) {
  return gw.gateway.app.get(MeshNodeService).sync;
}

export async function until(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Waits until every gateway reports the same state hash and op count for the organisation. */
export async function converged(
  gateways: readonly TestGateway[],
  orgId: string,
  timeoutMs = 20_000,
): Promise<string> {
  let hash = '';
  try {
    await until(
      async () => {
        const hashes = await Promise.all(gateways.map((g) => stateHash(g, orgId)));
        const counts = await Promise.all(gateways.map((g) => opCount(g, orgId)));
        hash = hashes[0];
        return hashes.every((h) => h === hash) && counts.every((c) => c === counts[0]) && counts[0] > 0;
      },
      timeoutMs,
      'convergence',
    );
  } catch (err) {
    // Say how the gateways differ: which author's chain is behind where.
    const seen = await Promise.all(
      gateways.map(async (g) => ({
        hash: (await stateHash(g, orgId)).slice(0, 12),
        vector: await g.gateway.app.get(OpLogService).versionVector(orgId),
      })),
    );
    throw new Error(`${(err as Error).message}: ${JSON.stringify(seen)}`);
  }
  return hash;
}

export async function savePage(
  client: GraphQLClient,
  orgId: string,
  path: string,
  content: string,
  baseRevisionId: string | null = null,
): Promise<{ currentRevisionId: string; conflictId: string | null; content: string }> {
  const { saveWikiPage } = await client.gql(
    `mutation ($input: SaveWikiPageInput!) { saveWikiPage(input: $input) { currentRevisionId conflictId content } }`,
    { input: { orgId, path, title: path, content, baseRevisionId } },
  );
  return saveWikiPage;
}

export async function page(
  client: GraphQLClient,
  orgId: string,
  path: string,
): Promise<{
  currentRevisionId: string;
  conflictId: string | null;
  content: string;
  headRevisionIds: string[];
} | null> {
  const { wikiPage } = await client.gql(
    'query ($o: ID!, $p: String!) { wikiPage(orgId: $o, path: $p) { currentRevisionId conflictId content headRevisionIds } }',
    { o: orgId, p: path },
  );
  return wikiPage;
}
