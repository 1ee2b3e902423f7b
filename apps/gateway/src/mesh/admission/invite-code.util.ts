import { rankAddresses } from '@gatehouse/mesh';

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
/** What a decoder accepts: at most this many addresses, in a code at most this long. */
export const INVITE_CODE_LIMITS = { addrs: 16, chars: 4096, addrChars: 512 } as const;

const encode = (code: InviteCode, addrs: readonly string[]) =>
  PREFIX +
  Buffer.from(
    JSON.stringify({ o: code.org, i: code.invite, s: code.secret, p: code.peer, a: addrs }),
  ).toString('base64url');

/**
 * The code for `code`, with as many of its addresses as a decoder accepts,
 * those that reach furthest first (`rankAddresses`): direct ones before
 * relayed (`/p2p-circuit`) ones, which are long (a gateway behind NAT has
 * only those, one per relay address per relay), and loopback ones last.
 */
export function encodeInviteCode(code: InviteCode): string {
  const kept: string[] = [];
  for (const addr of rankAddresses(code.addrs)) {
    if (kept.length === INVITE_CODE_LIMITS.addrs) break;
    if (addr.length > INVITE_CODE_LIMITS.addrChars) continue;
    if (encode(code, [...kept, addr]).length <= INVITE_CODE_LIMITS.chars) kept.push(addr);
  }
  return encode(code, kept);
}

export class InvalidInviteCodeError extends Error {
  override name = 'InvalidInviteCodeError';
}

const text = (v: unknown, max: number): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= max;

export function decodeInviteCode(raw: string): InviteCode {
  const trimmed = raw.trim();
  if (!trimmed.startsWith(PREFIX) || trimmed.length > INVITE_CODE_LIMITS.chars)
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
    a.length > INVITE_CODE_LIMITS.addrs ||
    !a.every((x) => text(x, INVITE_CODE_LIMITS.addrChars) && x.startsWith('/'))
  ) {
    throw new InvalidInviteCodeError('the invite code carries no usable address');
  }
  return { org: o, invite: i, secret: s, peer: p, addrs: a as string[] };
}
