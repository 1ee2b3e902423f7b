import { decode, encode } from 'cborg';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalDecode, canonicalEncode, isCanonicalEncoding, STRICT_DECODING } from './canonical.js';

/** Values an op may hold: JSON-like, with byte strings and non-integer numbers. */
const opValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
    // Integral doubles beyond 2^53 are not encodable (canonicalEncode refuses them).
    fc
      .double({ noNaN: true, noDefaultInfinity: true })
      .filter((d) => !Number.isInteger(d) || Number.isSafeInteger(d)),
    fc.string({ unit: 'grapheme' }),
    fc.uint8Array({ maxLength: 16 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 6 }), tie('value'), {
      maxKeys: 5,
      noNullPrototype: true,
    }),
  ),
})).value;

/** cborg's strict decoder, the reference the one-pass decoder is checked against. */
const cborgDecode = (bytes: Uint8Array) => decode(bytes, STRICT_DECODING);

/** The reference: canonical when cborg decodes the bytes and encoding the value again gives them back. */
function reencodesTheSame(bytes: Uint8Array): boolean {
  try {
    return Buffer.compare(Buffer.from(canonicalEncode(cborgDecode(bytes))), Buffer.from(bytes)) === 0;
  } catch {
    return false;
  }
}

function cborgDecodes(bytes: Uint8Array): boolean {
  try {
    cborgDecode(bytes);
    return true;
  } catch {
    return false;
  }
}

describe('canonicalDecode', () => {
  it('gives back the value canonicalEncode encoded', () => {
    fc.assert(
      fc.property(opValue, (value) => {
        expect(canonicalDecode(canonicalEncode(value))).toEqual(cborgDecode(canonicalEncode(value)));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps "__proto__" as a key, not as the prototype', () => {
    const decoded = canonicalDecode(canonicalEncode(JSON.parse('{"__proto__": {"admin": true}}'))) as object;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.keys(decoded)).toEqual(['__proto__']);
  });

  it('refuses truncated input, trailing bytes, tags, indefinite lengths and unsafe integers', () => {
    const ok = canonicalEncode({ a: [1, 'x'] });
    expect(isCanonicalEncoding(ok.subarray(0, ok.length - 1))).toBe(false);
    expect(isCanonicalEncoding(Uint8Array.from([...ok, 0]))).toBe(false);
    expect(isCanonicalEncoding(Uint8Array.from([0xc1, 0x01]))).toBe(false);
    expect(isCanonicalEncoding(Uint8Array.from([0x9f, 0x01, 0xff]))).toBe(false);
    expect(isCanonicalEncoding(Uint8Array.from([0x1b, 0x00, 0x20, 0, 0, 0, 0, 0, 0]))).toBe(false);
    expect(isCanonicalEncoding(Uint8Array.from([0x9a, 0xff, 0xff, 0xff, 0xff]))).toBe(false);
    expect(isCanonicalEncoding(Uint8Array.from([0xf7]))).toBe(false);
  });
});

describe('isCanonicalEncoding', () => {
  it('accepts whatever canonicalEncode makes', () => {
    fc.assert(
      fc.property(opValue, (value) => {
        expect(isCanonicalEncoding(canonicalEncode(value))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('agrees with decoding by cborg and encoding again, on random mutations of canonical bytes', () => {
    const mutation = fc.record({
      value: opValue,
      at: fc.nat(),
      byte: fc.integer({ min: 0, max: 255 }),
      kind: fc.constantFrom('set', 'insert', 'delete'),
    });
    let decoded = 0;
    fc.assert(
      fc.property(mutation, ({ value, at, byte, kind }) => {
        const bytes = [...canonicalEncode(value)];
        const i = at % bytes.length;
        if (kind === 'set') bytes[i] = byte;
        else if (kind === 'insert') bytes.splice(i, 0, byte);
        else bytes.splice(i, 1);
        const mutated = Uint8Array.from(bytes);
        if (!cborgDecodes(mutated)) {
          // What cborg's strict decoder refuses is never canonical.
          expect(isCanonicalEncoding(mutated)).toBe(false);
          return;
        }
        decoded += 1;
        expect(isCanonicalEncoding(mutated)).toBe(reencodesTheSame(mutated));
      }),
      { numRuns: 3000 },
    );
    // The property says something only if many mutants got past the decoder.
    expect(decoded).toBeGreaterThan(300);
  });

  it('refuses map keys out of order, wide floats, integers as floats, broken UTF-8 and deep nesting', () => {
    const value = { a: 1, bb: 2, c: 3 };
    const reversed = encode(value, { mapSorter: (a: unknown[], b: unknown[]) => -defaultOrder(a, b) });
    expect(cborgDecodes(reversed)).toBe(true);
    expect(isCanonicalEncoding(reversed)).toBe(false);

    const wide = encode({ x: 1.5 }, { float64: true });
    expect(cborgDecode(wide)).toEqual({ x: 1.5 });
    expect(isCanonicalEncoding(wide)).toBe(false);

    // { x: 1.0 } with 1.0 as a half-precision float: the canonical form is the integer 1.
    const floatOne = Uint8Array.from([0xa1, 0x61, 0x78, 0xf9, 0x3c, 0x00]);
    expect(cborgDecode(floatOne)).toEqual({ x: 1 });
    expect(isCanonicalEncoding(floatOne)).toBe(false);

    // A one-byte text string holding 0xff, which is not UTF-8.
    const broken = Uint8Array.from([0x61, 0xff]);
    expect(cborgDecodes(broken)).toBe(true);
    expect(isCanonicalEncoding(broken)).toBe(false);

    let deep: unknown = 'leaf';
    for (let i = 0; i < 40; i++) deep = [deep];
    const nested = encode(deep);
    expect(isCanonicalEncoding(nested)).toBe(false);
    expect(reencodesTheSame(nested)).toBe(false);
  });
});

/** cborg's own order of two map entries whose keys are short ASCII strings: shorter, then bytewise. */
function defaultOrder(a: unknown[], b: unknown[]): number {
  const ka = (a[0] as { value: string }).value;
  const kb = (b[0] as { value: string }).value;
  return ka.length - kb.length || (ka < kb ? -1 : ka > kb ? 1 : 0);
}
