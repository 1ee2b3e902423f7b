/**
 * Hybrid logical clock. Boxes often boot without a real-time clock or network
 * time, so wall time only ever nudges the clock forward: causality comes from
 * the logical part. An event that has seen another always gets a later
 * timestamp, however wrong the local wall clock is.
 *
 * Encoded as a fixed-width string, `<wall ms: 13 hex digits>.<counter: 6 hex digits>`,
 * so timestamps compare correctly as plain strings (and in SQL ORDER BY).
 */

export interface HlcTimestamp {
  readonly wall: number;
  readonly counter: number;
}

const WALL_DIGITS = 13;
const COUNTER_DIGITS = 6;
const MAX_COUNTER = 16 ** COUNTER_DIGITS - 1;
const MAX_WALL = 16 ** WALL_DIGITS - 1;
export const HLC_PATTERN = /^[0-9a-f]{13}\.[0-9a-f]{6}$/;

export function encodeHlc(ts: HlcTimestamp): string {
  return `${ts.wall.toString(16).padStart(WALL_DIGITS, '0')}.${ts.counter.toString(16).padStart(COUNTER_DIGITS, '0')}`;
}

export function decodeHlc(text: string): HlcTimestamp {
  if (!HLC_PATTERN.test(text)) throw new RangeError(`not a hybrid logical clock timestamp: ${text}`);
  const [wall, counter] = text.split('.');
  return { wall: Number.parseInt(wall, 16), counter: Number.parseInt(counter, 16) };
}

export function compareHlc(a: HlcTimestamp, b: HlcTimestamp): number {
  return a.wall - b.wall || a.counter - b.counter;
}

export class HybridLogicalClock {
  private last: HlcTimestamp;

  /** @param now wall clock in ms; injectable so tests can run a clock years off. */
  constructor(
    private readonly now: () => number = Date.now,
    initial: HlcTimestamp = { wall: 0, counter: 0 },
  ) {
    this.last = initial;
  }

  /** The newest timestamp issued or observed. */
  get current(): HlcTimestamp {
    return this.last;
  }

  /** A timestamp for a local event, later than everything issued or observed. */
  tick(): HlcTimestamp {
    const wall = Math.min(Math.max(this.now(), 0), MAX_WALL);
    this.last =
      wall > this.last.wall
        ? { wall, counter: 0 }
        : bump({ wall: this.last.wall, counter: this.last.counter });
    return this.last;
  }

  /** Folds in a timestamp seen on a received op, so later local events sort after it. */
  observe(remote: HlcTimestamp): void {
    if (compareHlc(remote, this.last) > 0) this.last = remote;
  }
}

function bump(ts: HlcTimestamp): HlcTimestamp {
  // Counter overflow moves into the wall part: still monotonic, never wraps.
  return ts.counter >= MAX_COUNTER
    ? { wall: ts.wall + 1, counter: 0 }
    : { wall: ts.wall, counter: ts.counter + 1 };
}
