/**
 * The op: one immutable, signed write to an organisation's log.
 *
 * Wire and storage form (format version 1):
 *   body  = canonical CBOR of { v, org, author, seq, prev, hlc, actor, kind, entity, payload, parents? }
 *   id    = hex SHA-256 of body
 *   sig   = Ed25519 signature by `author` over the 32 id bytes
 * `prev` is the id of the same author's previous op in the same organisation
 * (null for seq 1), so each author's ops form a hash chain and one signature
 * on the newest op vouches for every op behind it.
 *
 * A receiver checks only that newest signature, so it cannot vouch for the
 * others: it keeps them marked unverified and, when it forwards such an op,
 * sends NO_SIGNATURE in its place (see `sync/batches.ts`).
 */
import { hash } from 'node:crypto';
import type { GatewayIdentity } from '../identity/gateway-identity.js';
import { canonicalDecode, canonicalEncode, type OpValue, withoutUndefined } from './canonical.js';
import { HLC_PATTERN } from './hlc.js';

export const OP_FORMAT_VERSION = 1;

export interface OpBody {
  readonly v: typeof OP_FORMAT_VERSION;
  readonly org: string;
  readonly author: string;
  readonly seq: number;
  readonly prev: string | null;
  readonly hlc: string;
  readonly actor: string | null;
  readonly kind: string;
  readonly entity: string;
  readonly payload: OpValue;
  readonly parents?: readonly string[];
}

export interface Op extends OpBody {
  readonly id: string;
  readonly sig: Uint8Array;
  /** The canonical body bytes the id was computed from. */
  readonly bytes: Uint8Array;
}

/** What a writer supplies; the log fills in author, seq, prev and hlc. */
export interface OpDraft {
  readonly org: string;
  readonly actor: string | null;
  readonly kind: string;
  readonly entity: string;
  readonly payload: OpValue;
  readonly parents?: readonly string[];
}

/**
 * 64 zero bytes, sent and stored in the place of a signature the gateway has
 * not verified. It never verifies, so an op carrying it can only travel
 * inside a run whose newest op carries a real signature.
 */
export const NO_SIGNATURE: Uint8Array = new Uint8Array(64);

export function isNoSignature(sig: Uint8Array): boolean {
  return sig.length === 64 && sig.every((b) => b === 0);
}

export class OpFormatError extends Error {
  override name = 'OpFormatError';
}

export const OP_LIMITS = {
  maxBodyBytes: 256 * 1024,
  maxIdLength: 128,
  maxKindLength: 64,
  maxEntityLength: 512,
  maxParents: 16,
} as const;

const HASH_PATTERN = /^[0-9a-f]{64}$/;
const KIND_PATTERN = /^[a-z][a-z0-9]*(\.[a-z][a-zA-Z0-9]*)+$/;

export function hashBytes(bytes: Uint8Array): string {
  // The one-shot form: no Hash object per op (ids are hashed for every op received).
  return hash('sha256', bytes, 'hex');
}

export function encodeOpBody(body: OpBody): Uint8Array {
  return canonicalEncode(withoutUndefined({ ...body }) as unknown as OpValue);
}

export function signOp(identity: GatewayIdentity, body: OpBody): Op {
  validateOpBody(body);
  const bytes = encodeOpBody(body);
  if (bytes.length > OP_LIMITS.maxBodyBytes)
    throw new OpFormatError(`op body is ${bytes.length} bytes, over the limit`);
  const id = hashBytes(bytes);
  return { ...body, id, bytes, sig: identity.sign(Buffer.from(id, 'hex')) };
}

/** Rebuilds an op from stored or received bytes, checking every field. The signature is not checked here. */
export function decodeOp(bytes: Uint8Array, sig: Uint8Array): Op {
  if (bytes.length > OP_LIMITS.maxBodyBytes) throw new OpFormatError('op body over the size limit');
  let body: unknown;
  try {
    // Only the canonical encoding is accepted, or two encodings of one op could exist.
    body = canonicalDecode(bytes);
  } catch (err) {
    throw new OpFormatError(`op body is not canonical CBOR: ${(err as Error).message}`);
  }
  validateOpBody(body);
  if (!(sig instanceof Uint8Array) || sig.length !== 64)
    throw new OpFormatError('op signature must be 64 bytes');
  return { ...body, id: hashBytes(bytes), bytes, sig };
}

function fail(message: string): never {
  throw new OpFormatError(message);
}

function isShortString(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= max;
}

const OP_FIELDS: ReadonlySet<string> = new Set([
  'v',
  'org',
  'author',
  'seq',
  'prev',
  'hlc',
  'actor',
  'kind',
  'entity',
  'payload',
  'parents',
]);

export function validateOpBody(body: unknown): asserts body is OpBody {
  if (!body || typeof body !== 'object' || Array.isArray(body)) fail('op body must be a map');
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b)) if (!OP_FIELDS.has(key)) fail(`unknown op field "${key}"`);
  if (b.v !== OP_FORMAT_VERSION) fail(`unsupported op format version ${String(b.v)}`);
  if (!isShortString(b.org, OP_LIMITS.maxIdLength)) fail('op.org must be a non-empty string');
  if (!isShortString(b.author, OP_LIMITS.maxIdLength)) fail('op.author must be a peer id');
  if (typeof b.seq !== 'number' || !Number.isSafeInteger(b.seq) || b.seq < 1)
    fail('op.seq must be a positive integer');
  if (b.seq === 1 ? b.prev !== null : typeof b.prev !== 'string' || !HASH_PATTERN.test(b.prev)) {
    fail('op.prev must be null for seq 1 and the previous op id otherwise');
  }
  if (typeof b.hlc !== 'string' || !HLC_PATTERN.test(b.hlc))
    fail('op.hlc must be a hybrid logical clock timestamp');
  if (b.actor !== null && !isShortString(b.actor, OP_LIMITS.maxIdLength))
    fail('op.actor must be null or a user id');
  if (typeof b.kind !== 'string' || b.kind.length > OP_LIMITS.maxKindLength || !KIND_PATTERN.test(b.kind)) {
    fail('op.kind must look like "domain.action"');
  }
  if (typeof b.entity !== 'string' || b.entity.length > OP_LIMITS.maxEntityLength)
    fail('op.entity must be a string');
  if (!('payload' in b)) fail('op.payload is required');
  if (b.parents !== undefined) {
    if (!Array.isArray(b.parents) || b.parents.length > OP_LIMITS.maxParents)
      fail('op.parents must be a short list');
    for (const p of b.parents)
      if (typeof p !== 'string' || !HASH_PATTERN.test(p)) fail('op.parents must be op ids');
  }
}
