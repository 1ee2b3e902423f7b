/**
 * A region split by a failed link: three gateways as separate processes in
 * network namespaces on one bridge, real TCP between them. While one is cut
 * off, both sides keep working and the connected pair keeps replicating;
 * once the link mends, every gateway converges: concurrent edits of
 * different lines merge, of the same line become one conflict, and no write
 * made on either side is lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, removeDir, spawnGateway, tempDataDir } from '../support/gateway-harness.js';
import { GraphQLClient } from '../support/graphql-client.js';
import { TestNetwork } from '../support/netns.js';
import { createOrganization, inviteCode, page, savePage, until } from './support/mesh-fixture.js';

const HOSTS = 3;
const CUT = 2;
/**
 * libp2p redials a dropped keep-alive peer 5 more times, 1 s to 16 s apart, each dial up to its
 * timeout, then drops the tag: about a minute, and an outage outlasts it.
 */
const LIBP2P_GIVES_UP_MS = 75_000;

describe('a region split by a failed link', () => {
  let net: TestNetwork;
  const gateways: GatewayProcess[] = [];
  const dirs: string[] = [];
  /** The organisation's owner, logged in on each gateway. */
  const owner: GraphQLClient[] = [];
  let orgId: string;
  const base: Record<string, string> = {};

  const stateHash = async (i: number): Promise<string> =>
    (await owner[i].gql('query ($k: String!) { organization(key: $k) { stateHash } }', { k: orgId }))
      .organization.stateHash;
  /** Waits until every gateway holds the same state, `path` included. */
  const converged = (path: string, timeoutMs: number) =>
    until(
      async () => {
        const hashes = await everywhere(stateHash);
        const pages = await everywhere((i) => page(owner[i], orgId, path));
        return hashes.every((h) => h === hashes[0]) && pages.every((p) => p !== null);
      },
      timeoutMs,
      `every gateway to hold the same state, with page ${path}`,
    );
  const peersConnected = async (i: number): Promise<number> =>
    (await owner[i].gql('query ($o: ID) { connectivity(orgId: $o) { peersConnected } }', { o: orgId }))
      .connectivity.peersConnected;
  const everywhere = async <T>(read: (i: number) => Promise<T>): Promise<T[]> =>
    Promise.all(owner.map((_, i) => read(i)));

  beforeAll(async () => {
    net = TestNetwork.create(HOSTS);
    for (const host of net.hosts) {
      const dir = tempDataDir();
      dirs.push(dir);
      gateways.push(
        await spawnGateway(
          dir,
          {
            GATEHOUSE_HTTP_HOST: host.managementAddress,
            GATEHOUSE_HTTP_PORT: '8080',
            GATEHOUSE_P2P_LISTEN: `/ip4/${host.dataAddress}/tcp/4001`,
            GATEHOUSE_RELAY: 'off',
          },
          { netns: host.namespace },
        ),
      );
    }
    const operators = gateways.map((g) => new GraphQLClient(g.url));
    for (const [i, op] of operators.entries()) await op.signUp(`operator${i}`);
    orgId = await createOrganization(operators[0], 'valley');
    for (const op of operators.slice(1)) {
      await op.gql('mutation ($code: String!) { joinOrganization(code: $code) { orgId } }', {
        code: await inviteCode(operators[0], orgId),
      });
    }
    // The first operator owns the organisation; the same name and password work on every gateway.
    owner.push(operators[0]);
    for (const g of gateways.slice(1)) {
      const client = new GraphQLClient(g.url);
      await client.logIn('operator0');
      owner.push(client);
    }
    base.plan = (await savePage(owner[0], orgId, 'plan', 'one\ntwo\nthree\n')).currentRevisionId;
    base.rota = (await savePage(owner[0], orgId, 'rota', 'mon: ann\ntue: bob\n')).currentRevisionId;
    await until(
      async () => (await page(owner[CUT], orgId, 'rota')) !== null,
      20_000,
      'the pages on every gateway',
    );
  }, 120_000);

  afterAll(async () => {
    try {
      for (const g of gateways) await g.stop();
    } finally {
      net?.destroy();
      for (const d of dirs) removeDir(d);
    }
  });

  it('keeps replicating on the connected side while one gateway is cut off, and writing on both', async () => {
    net.cut(CUT);
    await savePage(owner[0], orgId, 'plan', 'ONE\ntwo\nthree\n', base.plan);
    await savePage(owner[0], orgId, 'rota', 'mon: ann\ntue: cat\n', base.rota);
    await savePage(owner[CUT], orgId, 'plan', 'one\ntwo\nTHREE\n', base.plan);
    await savePage(owner[CUT], orgId, 'rota', 'mon: ann\ntue: dan\n', base.rota);
    await savePage(owner[CUT], orgId, 'news', 'cut off, still writing\n');

    await until(
      async () => (await page(owner[1], orgId, 'rota'))?.content === 'mon: ann\ntue: cat\n',
      10_000,
      'the connected gateway to receive the edit',
    );
    expect((await page(owner[1], orgId, 'plan'))?.content).toBe('ONE\ntwo\nthree\n');
    // Nothing crosses the cut either way.
    expect(await page(owner[0], orgId, 'news')).toBeNull();
    expect(await page(owner[1], orgId, 'news')).toBeNull();
    expect((await page(owner[CUT], orgId, 'plan'))?.content).toBe('one\ntwo\nTHREE\n');
  }, 30_000);

  it('converges once the link mends: merged, one conflict everywhere, nothing lost', async () => {
    net.mend(CUT);
    await converged('news', 90_000);
    for (const plan of await everywhere((i) => page(owner[i], orgId, 'plan')))
      expect(plan?.content).toBe('ONE\ntwo\nTHREE\n');
    const rotas = await everywhere((i) => page(owner[i], orgId, 'rota'));
    expect(rotas[0]?.conflictId).toBeTruthy();
    for (const rota of rotas) {
      expect(rota?.conflictId).toBe(rotas[0]?.conflictId);
      expect(rota?.headRevisionIds).toHaveLength(2);
    }
    for (const news of await everywhere((i) => page(owner[i], orgId, 'news')))
      expect(news?.content).toBe('cut off, still writing\n');
  }, 120_000);

  it('reconnects and converges after an outage long enough for libp2p to stop redialling', async () => {
    net.cut(CUT);
    // Unanswered pings close the connections; libp2p then redials a few times and gives up.
    await until(async () => (await peersConnected(CUT)) === 0, 60_000, 'the cut-off gateway to see no peers');
    await savePage(owner[CUT], orgId, 'late', 'written during a long outage\n');
    await new Promise((r) => setTimeout(r, LIBP2P_GIVES_UP_MS));
    net.mend(CUT);
    await converged('late', 60_000);
    // The data may come round through one link before the other is redialled: wait for both.
    await until(
      async () => (await everywhere(peersConnected)).every((n) => n === HOSTS - 1),
      30_000,
      'every gateway to be connected to every other again',
    );
    for (const i of [0, 1, CUT]) expect(await peersConnected(i)).toBe(HOSTS - 1);
  }, 240_000);
});
