/**
 * Canonical encoding of op bodies: deterministic CBOR (RFC 8949 §4.2 core
 * deterministic rules as implemented by cborg: map keys sorted, shortest
 * integer and float forms, no indefinite lengths). Two gateways that encode
 * the same op body get the same bytes, so the op id (the hash of those bytes)
 * is the same everywhere.
 */
import { isUtf8 } from 'node:buffer';
import { decode, encode } from 'cborg';

export class CanonicalEncodingError extends Error {
  override name = 'CanonicalEncodingError';
}

/** Values that may appear in an op: JSON-like, plus byte arrays. */
export type OpValue = null | boolean | number | string | Uint8Array | OpValue[] | { [key: string]: OpValue };

const MAX_DEPTH = 32;

function assertEncodable(value: unknown, depth: number): void {
  if (depth > MAX_DEPTH) throw new CanonicalEncodingError('value nested too deeply');
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new CanonicalEncodingError('numbers must be finite');
    if (!Number.isSafeInteger(value) && Number.isInteger(value)) {
      throw new CanonicalEncodingError('integers must be safe integers');
    }
    return;
  }
  if (value instanceof Uint8Array) return;
  if (Array.isArray(value)) {
    for (const item of value) assertEncodable(item, depth + 1);
    return;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined) throw new CanonicalEncodingError('undefined is not encodable; omit the key');
      assertEncodable(v, depth + 1);
    }
    return;
  }
  throw new CanonicalEncodingError(`unsupported value of type ${typeof value}`);
}

export function canonicalEncode(value: unknown): Uint8Array {
  assertEncodable(value, 0);
  return encode(value);
}

/**
 * cborg's strictest decoding: it rejects non-canonical input, so a peer
 * cannot send two byte strings that decode to the same op or message.
 */
export const STRICT_DECODING = {
  strict: true,
  rejectDuplicateMapKeys: true,
  useMaps: false,
  allowUndefined: false,
  allowInfinity: false,
  allowNaN: false,
  allowIndefinite: false,
  allowBigInt: false,
} as const;

export function canonicalDecode(bytes: Uint8Array): unknown {
  return decode(bytes, STRICT_DECODING);
}

/** Drops keys whose value is undefined, recursively, so callers can build ops with optional fields. */
export function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutUndefined) as T;
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v !== undefined) out[k] = withoutUndefined(v);
    }
    return out as T;
  }
  return value;
}

/** A data item's head: major type, additional information, argument, and where its content starts. */
function readHead(b: Uint8Array, pos: number): { major: number; info: number; arg: number; at: number } {
  if (pos >= b.length) throw new CanonicalEncodingError('truncated');
  const major = b[pos] >> 5;
  const info = b[pos] & 31;
  if (info < 24) return { major, info, arg: info, at: pos + 1 };
  const size = info === 24 ? 1 : info === 25 ? 2 : info === 26 ? 4 : info === 27 ? 8 : 0;
  if (!size || pos + size >= b.length) throw new CanonicalEncodingError('bad head');
  let arg = 0;
  for (let i = 1; i <= size; i++) arg = arg * 256 + b[pos + i];
  return { major, info, arg, at: pos + 1 + size };
}

/** cborg's order of map keys: shorter first, then bytewise (RFC 7049 canonical CBOR). */
function keyOrder(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return a.length - b.length;
  // Keys are short: a loop here is cheaper than a call into Buffer.compare.
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** Valid UTF-8; short ASCII strings (most keys and ids) are checked without a native call. */
function isUtf8Text(bytes: Uint8Array): boolean {
  if (bytes.length > 64) return isUtf8(bytes);
  for (let i = 0; i < bytes.length; i++) if (bytes[i] >= 0x80) return isUtf8(bytes);
  return true;
}

/** Checks one data item at `pos` and returns where the next one starts. */
function walk(b: Uint8Array, pos: number, depth: number): number {
  if (depth > MAX_DEPTH) throw new CanonicalEncodingError('value nested too deeply');
  const h = readHead(b, pos);
  switch (h.major) {
    case 0:
    case 1:
      return h.at;
    case 2:
      return h.at + h.arg;
    case 3: {
      const end = h.at + h.arg;
      // A decoder replaces broken UTF-8; its re-encoding would differ from these bytes.
      if (end > b.length || !isUtf8Text(b.subarray(h.at, end))) throw new CanonicalEncodingError('bad UTF-8');
      return end;
    }
    case 4: {
      let p = h.at;
      for (let i = 0; i < h.arg; i++) p = walk(b, p, depth + 1);
      return p;
    }
    case 5: {
      let p = h.at;
      let previous: Uint8Array | null = null;
      for (let i = 0; i < h.arg; i++) {
        const k = readHead(b, p);
        if (k.major !== 3) throw new CanonicalEncodingError('map keys must be strings');
        const key = b.subarray(k.at, k.at + k.arg);
        if (previous && keyOrder(previous, key) >= 0)
          throw new CanonicalEncodingError('map keys out of order');
        previous = key;
        p = walk(b, walk(b, p, depth + 1), depth + 1);
      }
      return p;
    }
    case 7:
      if (h.info >= 20 && h.info <= 22) return h.at; // false, true, null
      if (h.info >= 25 && h.info <= 27) {
        // Rare in ops: never integral (safe integers encode as integers, others are refused),
        // and in the shortest width that holds the value.
        const item = b.subarray(pos, h.at);
        const value = decode(item) as number;
        if (Number.isInteger(value) || Buffer.compare(encode(value), item) !== 0)
          throw new CanonicalEncodingError('float not in its shortest form');
        return h.at;
      }
      throw new CanonicalEncodingError('unsupported simple value');
    default:
      throw new CanonicalEncodingError('tags are not allowed');
  }
}

/**
 * Whether `bytes`, which canonicalDecode accepted, are exactly what
 * canonicalEncode makes of the value they hold. The strict decoder has
 * already refused non-shortest integers and lengths, indefinite lengths,
 * duplicate keys, tags and big integers; this walks the bytes for the rest
 * (key order, float widths, UTF-8, nesting depth) instead of encoding the
 * value again, which costs several times more.
 */
export function isCanonicalEncoding(bytes: Uint8Array): boolean {
  try {
    return walk(bytes, 0, 0) === bytes.length;
  } catch (err) {
    if (err instanceof CanonicalEncodingError) return false;
    throw err;
  }
}
