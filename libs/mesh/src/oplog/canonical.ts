/**
 * Canonical encoding of op bodies: deterministic CBOR (RFC 8949 §4.2 core
 * deterministic rules as implemented by cborg: map keys sorted, shortest
 * integer and float forms, no indefinite lengths). Two gateways that encode
 * the same op body get the same bytes, so the op id (the hash of those bytes)
 * is the same everywhere.
 */
import { encode } from 'cborg';
import { CanonicalEncodingError, canonicalDecode, MAX_DEPTH, type OpValue } from './canonical-decode.js';

export { CanonicalEncodingError, canonicalDecode, type OpValue };

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
 * cborg's strictest decoding, for sync messages: it rejects non-shortest
 * heads, indefinite lengths, duplicate keys and tags. (Op bodies must be
 * exactly canonical: canonicalDecode.)
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

/** Whether `bytes` are exactly what canonicalEncode makes of the value they hold. */
export function isCanonicalEncoding(bytes: Uint8Array): boolean {
  try {
    canonicalDecode(bytes);
    return true;
  } catch (err) {
    if (err instanceof CanonicalEncodingError) return false;
    throw err;
  }
}
