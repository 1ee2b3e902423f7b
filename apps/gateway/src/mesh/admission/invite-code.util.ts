/**
 * Gateway invite codes: everything a joining gateway needs, in one string an
 * operator can paste: the organisation, the invite and its one-time secret,
 * and the inviting gateway's peer id and addresses.
 *   ghg1.<base64url(JSON {o, i, s, p, a})>
 * The secret travels only in the code; the log holds its hash.
 */
export interface InviteCode {
  readonly org: string;
  readonly invite: string;
  readonly secret: string;
  readonly peer: string;
  readonly addrs: readonly string[];
}

const PREFIX = 'ghg1.';

export function encodeInviteCode(code: InviteCode): string {
  const body = { o: code.org, i: code.invite, s: code.secret, p: code.peer, a: code.addrs };
  return PREFIX + Buffer.from(JSON.stringify(body)).toString('base64url');
}

export class InvalidInviteCodeError extends Error {
  override name = 'InvalidInviteCodeError';
}

const text = (v: unknown, max: number): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= max;

export function decodeInviteCode(raw: string): InviteCode {
  const trimmed = raw.trim();
  if (!trimmed.startsWith(PREFIX) || trimmed.length > 4096)
    throw new InvalidInviteCodeError('not a gateway invite code');
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(Buffer.from(trimmed.slice(PREFIX.length), 'base64url').toString('utf8'));
  } catch {
    throw new InvalidInviteCodeError('the invite code is damaged');
  }
  const { o, i, s, p, a } = body ?? {};
  if (!text(o, 128) || !text(i, 128) || !text(s, 128) || !text(p, 128)) {
    throw new InvalidInviteCodeError('the invite code is incomplete');
  }
  if (
    !Array.isArray(a) ||
    a.length === 0 ||
    a.length > 16 ||
    !a.every((x) => text(x, 512) && x.startsWith('/'))
  ) {
    throw new InvalidInviteCodeError('the invite code carries no usable address');
  }
  return { org: o, invite: i, secret: s, peer: p, addrs: a as string[] };
}
