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
    const run = (command: 'invite' | 'join', args: string[], env: NodeJS.ProcessEnv, at = config) =>
      runMeshCommand(
        command,
        args,
        at,
        env,
        (l) => lines.push(l),
        (l) => lines.push(l),
      );
    expect(await run('join', ['x'], {})).toBe(2);
    expect(lines.pop()).toMatch(/GATEHOUSE_TOKEN/);
    expect(await run('join', ['not-a-code'], { GATEHOUSE_TOKEN: 'nope' })).toBe(1);
    lines.pop();
    const unchecked = { GATEHOUSE_TOKEN: 'not checked before the hours' };
    expect(await run('invite', ['some-org', 'soon'], unchecked)).toBe(2);
    expect(lines.pop()).toMatch(/usage: gatehouse invite <organisation id> \[valid hours, a whole number\]/);
    // The gateway says which field is wrong, and why.
    const tokenOfA = { GATEHOUSE_TOKEN: await token(a.operator) };
    const orgId = await createOrganization(a.operator, 'cli-hours');
    expect(await run('invite', [orgId, '0'], tokenOfA)).toBe(1);
    expect(lines.pop()).toMatch(/invalid input; validForHours: .*less than 1/);
    // A gateway that is not there: where the command looked.
    const nowhere = { ...config, httpPort: 1 };
    expect(await run('invite', [orgId], tokenOfA, nowhere)).toBe(1);
    expect(lines.pop()).toMatch(/could not reach the gateway at http:\/\/.*:1\/graphql/);
  });
});

import { GATEWAY_CONFIG as GATEWAY_CONFIG_TOKEN } from '../../apps/gateway/src/config/gateway-config.js';
