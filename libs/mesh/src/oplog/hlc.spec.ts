import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareHlc, decodeHlc, encodeHlc, HybridLogicalClock } from './hlc.js';

const YEAR = 365 * 24 * 3600 * 1000;

describe('HybridLogicalClock', () => {
  it('issues strictly increasing timestamps even when the wall clock goes backwards', () => {
    let wall = 1_000_000;
    const clock = new HybridLogicalClock(() => wall);
    const a = clock.tick();
    wall -= 50_000;
    const b = clock.tick();
    expect(compareHlc(b, a)).toBeGreaterThan(0);
  });

  it('orders an event after one it has observed, with the local clock years behind', () => {
    const now = Date.UTC(2026, 10, 25);
    const accurate = new HybridLogicalClock(() => now);
    const stuckIn1970 = new HybridLogicalClock(() => 5_000); // no RTC, no NTP
    const seen = accurate.tick();
    stuckIn1970.observe(seen);
    const reply = stuckIn1970.tick();
    expect(compareHlc(reply, seen)).toBeGreaterThan(0);
    expect(encodeHlc(reply) > encodeHlc(seen)).toBe(true);
  });

  it('lets a clock years ahead dominate only until the others observe it', () => {
    const ahead = new HybridLogicalClock(() => Date.UTC(2026, 0, 1) + 3 * YEAR);
    const normal = new HybridLogicalClock(() => Date.UTC(2026, 0, 1));
    const x = ahead.tick();
    normal.observe(x);
    expect(compareHlc(normal.tick(), x)).toBeGreaterThan(0);
  });

  it('encodes so that string order equals timestamp order', () => {
    const ts = fc.record({ wall: fc.nat({ max: 2 ** 50 }), counter: fc.nat({ max: 0xffffff }) });
    fc.assert(
      fc.property(ts, ts, (a, b) => {
        const ea = encodeHlc(a);
        const eb = encodeHlc(b);
        expect(decodeHlc(ea)).toEqual(a);
        expect(Math.sign(compareHlc(a, b))).toBe(ea < eb ? -1 : ea > eb ? 1 : 0);
      }),
    );
  });

  it('rejects malformed timestamps', () => {
    expect(() => decodeHlc('12.34')).toThrow(RangeError);
  });
});
