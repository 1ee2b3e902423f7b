/**
 * `gatehouse invite <org id> [hours]` and `gatehouse join <code>`: the same
 * GraphQL operations an operator has in the console, asked of the running
 * gateway (its HTTP address from the settings) with an API token of the
 * account doing it, in GATEHOUSE_TOKEN.
 */
import type { GatewayConfig } from '../config/gateway-config.js';

const INVITE = 'mutation ($i: InviteGatewayInput!) { inviteGateway(input: $i) { code expiresAt } }';
const JOIN = 'mutation ($c: String!) { joinOrganization(code: $c) { orgId viaPeerId ops complete } }';

export const MESH_COMMANDS = ['invite', 'join'] as const;

interface Answer {
  data?: Record<string, Record<string, unknown>>;
  errors?: { message: string; extensions?: { fields?: { field: string; message: string }[] } }[];
}

/** An error's message, with what is wrong with which field when the gateway says. */
const explain = (e: NonNullable<Answer['errors']>[number]) =>
  [e.message, ...(e.extensions?.fields ?? []).map((f) => `${f.field}: ${f.message}`)].join('; ');

/** Prints results with `out` and problems with `err`; returns the exit code. */
export async function runMeshCommand(
  command: (typeof MESH_COMMANDS)[number],
  args: readonly string[],
  config: GatewayConfig,
  env: NodeJS.ProcessEnv = process.env,
  out: (line: string) => void = console.log,
  err: (line: string) => void = console.error,
): Promise<number> {
  const token = env.GATEHOUSE_TOKEN;
  if (!token) {
    err('gatehouse: set GATEHOUSE_TOKEN to an API token (createApiToken) of the account doing this');
    return 2;
  }
  const [arg, hours] = args;
  const validFor = hours === undefined ? 72 : Number(hours);
  if (!arg || !Number.isInteger(validFor)) {
    err(
      command === 'invite'
        ? 'usage: gatehouse invite <organisation id> [valid hours, a whole number]'
        : 'usage: gatehouse join <code>',
    );
    return 2;
  }
  const host = config.httpHost.includes(':') ? `[${config.httpHost}]` : config.httpHost;
  const url = `http://${host}:${config.httpPort}/graphql`;
  const [query, variables] =
    command === 'invite' ? [INVITE, { i: { orgId: arg, validForHours: validFor } }] : [JOIN, { c: arg }];
  let body: Answer;
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
      // A join waits for the first pull of the whole organisation.
      signal: AbortSignal.timeout(command === 'join' ? 15 * 60_000 : 30_000),
    });
    body = (await res.json().catch(() => ({
      errors: [{ message: `the gateway answered HTTP ${res.status}, not GraphQL` }],
    }))) as Answer;
  } catch (e) {
    err(`gatehouse: could not reach the gateway at ${url} (is it running?): ${(e as Error).message}`);
    return 1;
  }
  if (body.errors?.length || !body.data) {
    err(`gatehouse: ${(body.errors ?? [{ message: 'no answer' }]).map(explain).join('; ')}`);
    return 1;
  }
  if (command === 'invite') {
    const { code, expiresAt } = body.data.inviteGateway;
    out(String(code));
    out(`(valid until ${String(expiresAt)}; run \`gatehouse join <code>\` on the other gateway)`);
  } else {
    const { orgId, viaPeerId, ops, complete } = body.data.joinOrganization;
    out(
      `joined organisation ${String(orgId)} through ${String(viaPeerId)}; ${String(ops)} ops held` +
        (complete ? '' : ', and the rest still arriving'),
    );
  }
  return 0;
}
