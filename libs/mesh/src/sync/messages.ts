/**
 * Messages of the sync protocol, their CBOR encoding and a validator that
 * checks every field. Anything a peer sends passes through `parse…` before
 * the rest of the code sees it; a message that fails becomes a
 * SyncProtocolError carrying the code of the error reply.
 *
 * A stream carries one exchange, opened by a request:
 *   pull  client → server: { t:'pull', org, vv, win }
 *         server → client: { t:'ops', ops:[[body, sig], …] } … { t:'end', vv }
 *         client → server: { t:'ack' } after applying each batch (flow control)
 *   have  client → server: { t:'have', org, vv }   server → client: { t:'ok' }
 *   join  client → server: { t:'join', org, invite, secret }
 *         server → client: { t:'joined', org }
 * Any server frame may instead be { t:'err', code, msg }.
 */
import { decode, encode } from 'cborg';
import { STRICT_DECODING } from '../oplog/canonical.js';
import type { VersionVector } from '../oplog/version-vector.js';
import { ByteViewTokenizer } from './byte-views.js';
import { SYNC_LIMITS } from './constants.js';

export const ERROR_CODES = [
  'malformed',
  'too-large',
  'unknown-org',
  'not-admitted',
  'busy',
  'forged',
  'replay',
  'invalid-invite',
  'timeout',
  'internal',
] as const;
export type SyncErrorCode = (typeof ERROR_CODES)[number];

/** A wire op: canonical body bytes and the author's signature. */
export type WireOp = readonly [body: Uint8Array, sig: Uint8Array];

export type SyncRequest =
  | { readonly t: 'pull'; readonly org: string; readonly vv: VersionVector; readonly win: number }
  | { readonly t: 'have'; readonly org: string; readonly vv: VersionVector }
  | { readonly t: 'join'; readonly org: string; readonly invite: string; readonly secret: string };

export type ServerFrame =
  | { readonly t: 'ops'; readonly ops: readonly WireOp[] }
  | { readonly t: 'end'; readonly vv: VersionVector }
  | { readonly t: 'ok' }
  | { readonly t: 'joined'; readonly org: string }
  | ErrFrame;

export type ErrFrame = { readonly t: 'err'; readonly code: SyncErrorCode; readonly msg: string };

/** Acks a batch; `err` says why the client stops (it found the batch forged, its pull gave up). */
export type ClientFrame = { readonly t: 'ack' } | ErrFrame;

export type SyncMessage = SyncRequest | ServerFrame | ClientFrame;

export class SyncProtocolError extends Error {
  override name = 'SyncProtocolError';
  constructor(
    readonly code: SyncErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const ID_MAX = 128;
const SECRET_MAX = 128;

export function encodeMessage(message: SyncMessage): Uint8Array {
  return encode(message);
}

function malformed(message: string): never {
  throw new SyncProtocolError('malformed', message);
}

/** Byte strings in the result (op bodies and signatures) are views into `bytes`. */
function decodeMap(bytes: Uint8Array, maxBytes: number): Record<string, unknown> {
  if (bytes.byteLength > maxBytes)
    throw new SyncProtocolError('too-large', `message of ${bytes.byteLength} bytes`);
  let value: unknown;
  try {
    value = decode(bytes, { ...STRICT_DECODING, tokenizer: new ByteViewTokenizer(bytes, STRICT_DECODING) });
  } catch (err) {
    // Includes RangeError from absurd nesting: the decoder is recursive.
    malformed(`not CBOR: ${(err as Error).message}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value) || value instanceof Uint8Array) {
    malformed('a message is a map');
  }
  return value as Record<string, unknown>;
}

function onlyKeys(m: Record<string, unknown>, keys: readonly string[]): void {
  const own = Object.keys(m);
  if (own.length !== keys.length) malformed(`message ${String(m.t)} must have exactly ${keys.join(', ')}`);
  for (const k of own) if (!keys.includes(k)) malformed(`unexpected field ${k.slice(0, 40)}`);
}

function text(m: Record<string, unknown>, key: string, max: number): string {
  const v = m[key];
  if (typeof v !== 'string' || v.length === 0 || v.length > max)
    malformed(`${key} must be a string of 1 to ${max}`);
  return v;
}

function int(m: Record<string, unknown>, key: string, min: number, max: number): number {
  const v = m[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max)
    malformed(`${key} must be an integer from ${min} to ${max}`);
  return v;
}

function vector(m: Record<string, unknown>, key: string): VersionVector {
  const v = m[key];
  if (!v || typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array)
    malformed(`${key} must be a map`);
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length > SYNC_LIMITS.maxVectorEntries)
    throw new SyncProtocolError('too-large', 'version vector too long');
  // A null-prototype copy: author ids are peer-chosen keys.
  const out: Record<string, number> = Object.create(null);
  for (const [author, seq] of entries) {
    if (author.length === 0 || author.length > ID_MAX) malformed('version vector key must be an author id');
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1)
      malformed('version vector seq must be >= 1');
    out[author] = seq;
  }
  return out;
}

export function parseRequest(bytes: Uint8Array): SyncRequest {
  const m = decodeMap(bytes, SYNC_LIMITS.maxRequestBytes);
  switch (m.t) {
    case 'pull':
      onlyKeys(m, ['t', 'org', 'vv', 'win']);
      return {
        t: 'pull',
        org: text(m, 'org', ID_MAX),
        vv: vector(m, 'vv'),
        win: int(m, 'win', 1, SYNC_LIMITS.maxWindow),
      };
    case 'have':
      onlyKeys(m, ['t', 'org', 'vv']);
      return { t: 'have', org: text(m, 'org', ID_MAX), vv: vector(m, 'vv') };
    case 'join':
      onlyKeys(m, ['t', 'org', 'invite', 'secret']);
      return {
        t: 'join',
        org: text(m, 'org', ID_MAX),
        invite: text(m, 'invite', ID_MAX),
        secret: text(m, 'secret', SECRET_MAX),
      };
    default:
      return malformed('unknown request type');
  }
}

export function parseServerFrame(bytes: Uint8Array): ServerFrame {
  const m = decodeMap(bytes, SYNC_LIMITS.maxFrameBytes);
  switch (m.t) {
    case 'ops': {
      onlyKeys(m, ['t', 'ops']);
      const ops = m.ops;
      if (!Array.isArray(ops) || ops.length === 0 || ops.length > SYNC_LIMITS.maxBatchOps)
        malformed(`ops must hold 1 to ${SYNC_LIMITS.maxBatchOps} ops`);
      for (const op of ops) {
        if (!Array.isArray(op) || op.length !== 2) malformed('an op is [body, sig]');
        if (!(op[0] instanceof Uint8Array) || op[0].byteLength === 0) malformed('op body must be bytes');
        if (!(op[1] instanceof Uint8Array) || op[1].byteLength !== 64)
          malformed('op signature must be 64 bytes');
      }
      return { t: 'ops', ops: ops as WireOp[] };
    }
    case 'end':
      onlyKeys(m, ['t', 'vv']);
      return { t: 'end', vv: vector(m, 'vv') };
    case 'ok':
      onlyKeys(m, ['t']);
      return { t: 'ok' };
    case 'joined':
      onlyKeys(m, ['t', 'org']);
      return { t: 'joined', org: text(m, 'org', ID_MAX) };
    case 'err':
      return parseErr(m);
    default:
      return malformed('unknown frame type');
  }
}

export function parseClientFrame(bytes: Uint8Array): ClientFrame {
  // An err frame's text is bounded (maxErrorText characters, up to 4 UTF-8 bytes each).
  const m = decodeMap(bytes, 64 + 4 * SYNC_LIMITS.maxErrorText);
  if (m.t === 'err') return parseErr(m);
  if (m.t !== 'ack') malformed('expected ack');
  onlyKeys(m, ['t']);
  return { t: 'ack' };
}

function parseErr(m: Record<string, unknown>): ErrFrame {
  onlyKeys(m, ['t', 'code', 'msg']);
  const code = m.code;
  if (typeof code !== 'string' || !(ERROR_CODES as readonly string[]).includes(code))
    malformed('unknown error code');
  const msg =
    typeof m.msg === 'string' ? m.msg.slice(0, SYNC_LIMITS.maxErrorText) : malformed('msg must be text');
  return { t: 'err', code: code as SyncErrorCode, msg };
}
