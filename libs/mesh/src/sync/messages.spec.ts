import { encode } from 'cborg';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeMessage,
  parseClientFrame,
  parseRequest,
  parseServerFrame,
  SyncProtocolError,
} from './messages.js';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof SyncProtocolError ? err.code : `unexpected ${(err as Error).name}`;
  }
  return 'accepted';
};

describe('sync messages', () => {
  it('round-trips every request and frame', () => {
    const pull = { t: 'pull', org: 'o1', vv: { a: 3, b: 1 }, win: 4 } as const;
    expect(parseRequest(encodeMessage(pull))).toEqual(pull);
    const ops = { t: 'ops', ops: [[new Uint8Array([1, 2]), new Uint8Array(64)]] } as const;
    expect(parseServerFrame(encodeMessage(ops))).toEqual(ops);
    expect(parseServerFrame(encodeMessage({ t: 'err', code: 'busy', msg: 'later' }))).toMatchObject({
      code: 'busy',
    });
    expect(parseClientFrame(encodeMessage({ t: 'ack' }))).toEqual({ t: 'ack' });
    const stop = { t: 'err', code: 'forged', msg: 'bad signature' } as const;
    expect(parseClientFrame(encodeMessage(stop))).toEqual(stop);
    expect(code(() => parseClientFrame(encode({ t: 'err', code: 'nope', msg: '' })))).toBe('malformed');
  });

  it('checks every field', () => {
    expect(code(() => parseRequest(encode({ t: 'pull', org: '', vv: {}, win: 1 })))).toBe('malformed');
    expect(code(() => parseRequest(encode({ t: 'pull', org: 'o', vv: { a: 0 }, win: 1 })))).toBe('malformed');
    expect(code(() => parseRequest(encode({ t: 'pull', org: 'o', vv: { a: 1.5 }, win: 1 })))).toBe(
      'malformed',
    );
    expect(code(() => parseRequest(encode({ t: 'pull', org: 'o', vv: [], win: 1 })))).toBe('malformed');
    expect(code(() => parseRequest(encode({ t: 'pull', org: 'o', vv: {}, win: 0 })))).toBe('malformed');
    expect(code(() => parseRequest(encode({ t: 'have', org: 'o', vv: {}, more: 1 })))).toBe('malformed');
    expect(
      code(() => parseRequest(encode({ t: 'join', org: 'o', invite: 'i', secret: 'x'.repeat(500) }))),
    ).toBe('malformed');
    expect(code(() => parseServerFrame(encode({ t: 'ops', ops: [] })))).toBe('malformed');
    expect(
      code(() => parseServerFrame(encode({ t: 'ops', ops: [[new Uint8Array(1), new Uint8Array(63)]] }))),
    ).toBe('malformed');
    expect(code(() => parseServerFrame(encode({ t: 'err', code: 'made-up', msg: '' })))).toBe('malformed');
  });

  it('refuses oversized requests and version vectors', () => {
    const vv = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`author-${i}`, 1]));
    expect(code(() => parseRequest(encode({ t: 'pull', org: 'o', vv, win: 1 })))).toBe('too-large');
    expect(code(() => parseRequest(new Uint8Array(300 * 1024)))).toBe('too-large');
  });

  it('does not let a peer-chosen key touch an object prototype', () => {
    const bytes = encode({ t: 'have', org: 'o', vv: { ['__proto__']: 5 } });
    const parsed = parseRequest(bytes);
    expect(Object.getPrototypeOf(parsed.t === 'have' ? parsed.vv : {})).toBe(null);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answers any byte string with a message or a protocol error, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        for (const parse of [parseRequest, parseServerFrame, parseClientFrame]) {
          expect(code(() => parse(bytes))).toMatch(/^(accepted|malformed|too-large)$/);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('survives deeply nested input', () => {
    const deep = new Uint8Array(200_000).fill(0x81); // arrays of arrays of ...
    expect(code(() => parseRequest(deep))).toMatch(/malformed|too-large/);
  });
});
