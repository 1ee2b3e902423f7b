/**
 * `gatehouse invite` and `gatehouse join`, against running gateways, with
 * API tokens of the organisation's admin and of the joining gateway's operator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMeshCommand } from '../../apps/gateway/src/mesh/mesh-cli.js';
import type { GraphQLClient } from '../support/graphql-client.js';
import {
  converged,
  createOrganization,
  type MeshGateway,
  startMeshGateways,
  stopAll,
} from './support/mesh-fixture.js';

async function token(client: GraphQLClient): Promise<string> {
  return (await client.gql('mutation { createApiToken(name: "cli") { token } }')).createApiToken.token;
}

describe('gatehouse invite / join', () => {
  let gws: MeshGateway[] = [];
  beforeAll(async () => {
    gws = await startMeshGateways(2, 'cli');
  }, 60_000);
  afterAll(() => stopAll(gws), 60_000);

  it('invites with one gateway and joins with the other', async () => {
    const [a, b] = gws;
    const orgId = await createOrganization(a.operator, 'cli-org');
    const lines: string[] = [];
    const configOf = (gw: MeshGateway) => ({
      ...gw.gateway.app.get(GATEWAY_CONFIG_TOKEN),
      httpPort: Number(new URL(gw.url).port),
    });
    expect(
      await runMeshCommand(
        'invite',
        [orgId],
        configOf(a),
        { GATEHOUSE_TOKEN: await token(a.operator) },
        (l) => lines.push(l),
      ),
    ).toBe(0);
    const code = lines[0];
    expect(code).toMatch(/^ghg1\./);
    const joined: string[] = [];
    expect(
      await runMeshCommand('join', [code], configOf(b), { GATEHOUSE_TOKEN: await token(b.operator) }, (l) =>
        joined.push(l),
      ),
    ).toBe(0);
    expect(joined[0]).toContain(`joined organisation ${orgId}`);
    await converged(gws, orgId);
  });

  it('explains what is missing instead of failing obscurely', async () => {
    const [a] = gws;
    const lines: string[] = [];
    const config = { ...a.gateway.app.get(GATEWAY_CONFIG_TOKEN), httpPort: Number(new URL(a.url).port) };
    expect(await runMeshCommand('join', ['x'], config, {}, (l) => lines.push(l))).toBe(2);
    expect(lines[0]).toMatch(/GATEHOUSE_TOKEN/);
    expect(
      await runMeshCommand('join', ['not-a-code'], config, { GATEHOUSE_TOKEN: 'nope' }, (l) => lines.push(l)),
    ).toBe(1);
  });
});

import { GATEWAY_CONFIG as GATEWAY_CONFIG_TOKEN } from '../../apps/gateway/src/config/gateway-config.js';
