import { decode, encode } from 'cborg';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteViewTokenizer } from './byte-views.js';

const STRICT = { strict: true, rejectDuplicateMapKeys: true, allowIndefinite: false, allowBigInt: false };
const viaViews = (bytes: Uint8Array) =>
  decode(bytes, { ...STRICT, tokenizer: new ByteViewTokenizer(bytes, STRICT) });
const outcome = (fn: () => unknown) => {
  try {
    return { value: fn() };
  } catch (err) {
    return { error: (err as Error).message };
  }
};

/** Values with byte strings of every length form: inline (< 24), 1, 2 and 4 header bytes. */
const bytesOf = fc.oneof(
  fc.uint8Array({ maxLength: 30 }),
  fc.uint8Array({ minLength: 250, maxLength: 300 }),
  fc.constantFrom(70_000).map((n) => new Uint8Array(n).fill(7)),
);
const values = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    bytesOf,
    fc.string(),
    fc.integer(),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 5 }), tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('ByteViewTokenizer', () => {
  it('decodes what cborg decodes, to the same values, with byte strings as views into the input', () => {
    fc.assert(
      fc.property(values, (value) => {
        const bytes = encode(value);
        expect(viaViews(bytes)).toEqual(decode(bytes, STRICT));
        const views: Uint8Array[] = [];
        const collect = (v: unknown) => {
          if (v instanceof Uint8Array) views.push(v);
          else if (v && typeof v === 'object') Object.values(v).forEach(collect);
        };
        collect(viaViews(bytes));
        for (const view of views) expect(view.buffer).toBe(bytes.buffer);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses what cborg refuses: truncated, non-minimal and indefinite byte strings, and cut-up inputs', () => {
    const refusals = [
      new Uint8Array([0x45, 1, 2]), // 5 bytes announced, 2 present
      new Uint8Array([0x58, 3, 1, 2, 3]), // length 3 in a 1-byte header: not minimal
      new Uint8Array([0x59, 0, 30, ...new Uint8Array(30)]), // length 30 in a 2-byte header
      new Uint8Array([0x5a, 0, 0, 1, 0, ...new Uint8Array(256)]), // length 256 in a 4-byte header
      new Uint8Array([0x5f, 0x41, 1, 0xff]), // indefinite length
      new Uint8Array([0x59, 1]), // header cut short
    ];
    for (const bytes of refusals) {
      const ours = outcome(() => viaViews(bytes));
      expect(ours).toHaveProperty('error');
      expect(ours).toEqual(outcome(() => decode(bytes, STRICT)));
    }
    fc.assert(
      fc.property(values, fc.nat(), (value, cut) => {
        const whole = encode(value);
        const bytes = whole.subarray(0, cut % (whole.length + 1));
        expect(outcome(() => viaViews(bytes))).toEqual(outcome(() => decode(bytes, STRICT)));
      }),
      { numRuns: 300 },
    );
  });
});
