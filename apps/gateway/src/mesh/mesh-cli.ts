/**
 * `gatehouse invite <org id> [hours]` and `gatehouse join <code>`: the same
 * GraphQL operations an operator has in the console, asked of the running
 * gateway (its HTTP address from the settings) with an API token of the
 * account doing it, in GATEHOUSE_TOKEN.
 */
import type { GatewayConfig } from '../config/gateway-config.js';

const INVITE = 'mutation ($i: InviteGatewayInput!) { inviteGateway(input: $i) { code expiresAt } }';
const JOIN = 'mutation ($c: String!) { joinOrganization(code: $c) { orgId viaPeerId ops } }';

export const MESH_COMMANDS = ['invite', 'join'] as const;

export async function runMeshCommand(
  command: (typeof MESH_COMMANDS)[number],
  args: readonly string[],
  config: GatewayConfig,
  env: NodeJS.ProcessEnv = process.env,
  out: (line: string) => void = console.log,
): Promise<number> {
  const token = env.GATEHOUSE_TOKEN;
  if (!token) {
    out('gatehouse: set GATEHOUSE_TOKEN to an API token (createApiToken) of the account doing this');
    return 2;
  }
  const [arg, hours] = args;
  if (!arg) {
    out(
      command === 'invite'
        ? 'usage: gatehouse invite <organisation id> [valid hours]'
        : 'usage: gatehouse join <code>',
    );
    return 2;
  }
  const host = config.httpHost.includes(':') ? `[${config.httpHost}]` : config.httpHost;
  const [query, variables] =
    command === 'invite'
      ? [INVITE, { i: { orgId: arg, validForHours: hours ? Number(hours) : 72 } }]
      : [JOIN, { c: arg }];
  const res = await fetch(`http://${host}:${config.httpPort}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
    // A join waits for the first pull of the whole organisation.
    signal: AbortSignal.timeout(command === 'join' ? 15 * 60_000 : 30_000),
  });
  const body = (await res.json()) as {
    data?: Record<string, Record<string, unknown>>;
    errors?: { message: string }[];
  };
  if (body.errors?.length) {
    out(`gatehouse: ${body.errors.map((e) => e.message).join('; ')}`);
    return 1;
  }
  if (command === 'invite') {
    const { code, expiresAt } = body.data!.inviteGateway;
    out(String(code));
    out(`(valid until ${String(expiresAt)}; run \`gatehouse join <code>\` on the other gateway)`);
  } else {
    const { orgId, viaPeerId, ops } = body.data!.joinOrganization;
    out(`joined organisation ${String(orgId)} through ${String(viaPeerId)}; ${String(ops)} ops held`);
  }
  return 0;
}
