/**
 * A gateway behind NAT, on real gateways: it listens on no address of its
 * own, names a relay gateway (GATEHOUSE_RELAY=server) as its bootstrap peer,
 * reserves a slot there, invites another gateway with its relayed addresses,
 * and the two sync through the relay.
 */
import { writeFileSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeshNodeService } from '../../apps/gateway/src/mesh/node/mesh-node.service.js';
import { removeDir, startTestGateway, type TestGateway, tempDataDir } from '../support/gateway-harness.js';
import {
  converged,
  createOrganization,
  inviteCode,
  join,
  MESH_ENV,
  type MeshGateway,
  page,
  savePage,
  stopAll,
  until,
} from './support/mesh-fixture.js';

async function meshGateway(
  name: string,
  env: Record<string, string>,
  dataDir?: string,
): Promise<MeshGateway> {
  const gw = await startTestGateway({ dataDir, env: { ...MESH_ENV, ...env } });
  const operator = gw.client();
  await operator.signUp(`${name}-operator`);
  return { ...gw, operator, peerId: gw.gateway.identity.peerId };
}

const relayedOnly = (addrs: readonly string[]) =>
  addrs.length > 0 && addrs.every((a) => a.includes('/p2p-circuit'));

describe('a gateway behind NAT', () => {
  let relay: TestGateway;
  let natted: MeshGateway;
  let other: MeshGateway;
  let orgId: string;

  beforeAll(async () => {
    relay = await startTestGateway({ env: { ...MESH_ENV, GATEHOUSE_RELAY: 'server' } });
    const relayAddrs = relay.gateway.app.get(MeshNodeService).addresses();
    // No listen address at all (only possible in the config file: an empty variable means "default").
    const dataDir = tempDataDir();
    const configFile = joinPath(dataDir, 'gatehouse.json');
    writeFileSync(configFile, JSON.stringify({ p2pListen: [] }));
    natted = await meshGateway(
      'natted',
      {
        GATEHOUSE_CONFIG: configFile,
        GATEHOUSE_P2P_LISTEN: '',
        GATEHOUSE_RELAY: 'client',
        GATEHOUSE_BOOTSTRAP: relayAddrs[0],
      },
      dataDir,
    );
    other = await meshGateway('other', { GATEHOUSE_RELAY: 'client' });
  }, 60_000);
  afterAll(async () => {
    await stopAll([natted, other]);
    if (relay) {
      await relay.close().catch(() => {});
      removeDir(relay.dataDir);
    }
  }, 60_000);

  it('reserves a slot on its bootstrap relay and is joined and synced through it', async () => {
    const node = natted.gateway.app.get(MeshNodeService);
    await until(() => relayedOnly(node.addresses()), 15_000, 'a relay reservation');

    orgId = await createOrganization(natted.operator, 'behind-nat');
    await savePage(natted.operator, orgId, 'home', 'Written behind NAT');
    // The invite code carries only relayed addresses: the other gateway can reach us no other way.
    const joined = await join(other, await inviteCode(natted.operator, orgId));
    expect(joined.orgId).toBe(orgId);
    await converged([natted, other], orgId);

    const connections = other.gateway.app.get(MeshNodeService).libp2p!.getConnections();
    const toNatted = connections.filter((c) => c.remotePeer.toString() === natted.peerId);
    expect(toNatted.length).toBeGreaterThan(0);
    expect(toNatted.every((c) => c.remoteAddr.toString().includes('/p2p-circuit'))).toBe(true);

    // Live both ways over the relayed connection; the organisation's owner logs in on the other gateway.
    const owner = other.client();
    await owner.logIn('natted-operator');
    await savePage(owner, orgId, 'from-outside', 'Written outside');
    await until(async () => (await page(natted.operator, orgId, 'from-outside')) !== null, 10_000, 'inbound');
    await savePage(natted.operator, orgId, 'from-inside', 'Written inside');
    await until(async () => (await page(owner, orgId, 'from-inside')) !== null, 10_000, 'outbound');
    await converged([natted, other], orgId);
  });
});
