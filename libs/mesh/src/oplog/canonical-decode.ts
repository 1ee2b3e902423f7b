/**
 * Decoding of canonical CBOR in one pass: every op a gateway receives goes
 * through here, so it builds the value and checks the encoding together
 * (cborg's general decoder followed by a second walk over the bytes cost
 * about 1.6 times as much, much of it in short-lived token objects).
 *
 * Accepts exactly what canonicalEncode makes: shortest heads, map keys that
 * are text strings in cborg's order (shorter first, then bytewise; so no
 * duplicates), valid UTF-8, safe integers, non-integral finite floats in
 * their shortest width, false/true/null, at most MAX_DEPTH levels. Anything
 * else, tags and indefinite lengths included, is a CanonicalEncodingError.
 */
import { encode } from 'cborg';

export class CanonicalEncodingError extends Error {
  override name = 'CanonicalEncodingError';
}

/** Values that may appear in an op: JSON-like, plus byte arrays. */
export type OpValue = null | boolean | number | string | Uint8Array | OpValue[] | { [key: string]: OpValue };

export const MAX_DEPTH = 32;

/** The smallest argument each head width may carry (anything less has a shorter head). */
const SHORTEST = [24, 0x100, 0x10000, 0x100000000];
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

class Reader {
  private pos = 0;
  /** Set by head(): the item's major type, additional information and argument. */
  private major = 0;
  private info = 0;
  private arg = 0;

  constructor(private readonly b: Uint8Array) {}

  value(depth: number): OpValue {
    if (depth > MAX_DEPTH) fail('value nested too deeply');
    const start = this.pos;
    this.head();
    switch (this.major) {
      case 0:
        return this.safe(this.arg);
      case 1:
        return this.safe(-1 - this.arg);
      case 2:
        return new Uint8Array(this.take(this.arg)); // a copy, and a plain Uint8Array even from a Buffer
      case 3:
        return this.text(this.arg);
      case 4: {
        const n = this.room(this.arg, 1);
        const out: OpValue[] = new Array(n);
        for (let i = 0; i < n; i++) out[i] = this.value(depth + 1);
        return out;
      }
      case 5:
        return this.map(this.room(this.arg, 2), depth);
      case 7:
        return this.simple(start);
      default:
        return fail('tags are not allowed');
    }
  }

  /** The end of the input must be the end of the value. */
  end(): void {
    if (this.pos !== this.b.length) fail('bytes after the value');
  }

  private head(): void {
    const b = this.b;
    if (this.pos >= b.length) fail('truncated');
    const first = b[this.pos++];
    this.major = first >> 5;
    this.info = first & 31;
    if (this.info < 24) {
      this.arg = this.info;
      return;
    }
    if (this.major === 7) return; // floats and simple values: their bytes are read by simple()
    const size = this.info - 24;
    if (size > 3) fail(this.info === 31 ? 'indefinite lengths are not allowed' : 'bad head');
    const width = 1 << size;
    if (this.pos + width > b.length) fail('truncated');
    let arg = 0;
    for (let i = 0; i < width; i++) arg = arg * 256 + b[this.pos++];
    if (arg < SHORTEST[size]) fail('head not in its shortest form');
    this.arg = arg;
  }

  private safe(n: number): number {
    if (!Number.isSafeInteger(n)) fail('integers must be safe integers');
    return n;
  }

  /** `count` items of at least `bytes` bytes each must fit in what is left. */
  private room(count: number, bytes: number): number {
    if (count * bytes > this.b.length - this.pos) fail('truncated');
    return count;
  }

  private take(length: number): Uint8Array {
    if (length > this.b.length - this.pos) fail('truncated');
    const out = this.b.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  private text(length: number): string {
    const b = this.b;
    const start = this.pos;
    if (length > b.length - start) fail('truncated');
    this.pos += length;
    // Keys and ids are short ASCII: decoding them here beats a call into native code.
    if (length <= 32) {
      let ascii = '';
      for (let i = start; i < start + length; i++) {
        const c = b[i];
        if (c >= 0x80) return decodeUtf8(b.subarray(start, start + length));
        ascii += String.fromCharCode(c);
      }
      return ascii;
    }
    return decodeUtf8(b.subarray(start, start + length));
  }

  private map(entries: number, depth: number): { [key: string]: OpValue } {
    const out: { [key: string]: OpValue } = {};
    let previous = -1;
    let previousLength = 0;
    for (let i = 0; i < entries; i++) {
      if (depth + 1 > MAX_DEPTH) fail('value nested too deeply');
      this.head();
      if (this.major !== 3) fail('map keys must be strings');
      const at = this.pos;
      const key = this.text(this.arg);
      const length = this.pos - at;
      if (previous >= 0 && this.keyOrder(previous, previousLength, at, length) >= 0)
        fail('map keys out of order');
      previous = at;
      previousLength = length;
      const value = this.value(depth + 1);
      // An own "__proto__" is data here; plain assignment would set the prototype instead.
      if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true });
      else out[key] = value;
    }
    return out;
  }

  /** cborg's order of the map keys at `a` and `b`: shorter first, then bytewise (RFC 7049 canonical CBOR). */
  private keyOrder(a: number, aLength: number, b: number, bLength: number): number {
    if (aLength !== bLength) return aLength - bLength;
    for (let i = 0; i < aLength; i++)
      if (this.b[a + i] !== this.b[b + i]) return this.b[a + i] - this.b[b + i];
    return 0;
  }

  private simple(start: number): OpValue {
    switch (this.info) {
      case 20:
        return false;
      case 21:
        return true;
      case 22:
        return null;
      case 25:
      case 26:
      case 27: {
        this.take(1 << (this.info - 24));
        const item = this.b.subarray(start, this.pos);
        const view = new DataView(item.buffer, item.byteOffset, item.byteLength);
        const value =
          this.info === 25
            ? half(view.getUint16(1))
            : this.info === 26
              ? view.getFloat32(1)
              : view.getFloat64(1);
        // Integral values are integers, not floats; a value that fits a narrower float must use it.
        if (!Number.isFinite(value) || Number.isInteger(value) || Buffer.compare(encode(value), item) !== 0)
          fail('float not in its shortest form');
        return value;
      }
      default:
        return fail('unsupported simple value');
    }
  }
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    // A lenient decoder would replace broken UTF-8, and encoding the result again would give other bytes.
    return fail('bad UTF-8');
  }
}

/** An IEEE 754 half-precision float from its 16 bits. */
function half(bits: number): number {
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  const magnitude =
    exponent === 0
      ? mantissa * 2 ** -24
      : exponent === 31
        ? mantissa
          ? Number.NaN
          : Number.POSITIVE_INFINITY
        : (mantissa + 1024) * 2 ** (exponent - 25);
  return bits & 0x8000 ? -magnitude : magnitude;
}

function fail(message: string): never {
  throw new CanonicalEncodingError(message);
}

/**
 * The value of an op body, which must be exactly its canonical encoding (so
 * a peer cannot send two byte strings that decode to the same op); throws
 * CanonicalEncodingError if not.
 */
export function canonicalDecode(bytes: Uint8Array): OpValue {
  const reader = new Reader(bytes);
  const value = reader.value(0);
  reader.end();
  return value;
}
