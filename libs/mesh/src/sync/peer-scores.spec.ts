import { describe, expect, it } from 'vitest';
import { PeerScores } from './peer-scores.js';

describe('PeerScores', () => {
  it('bans a peer past the threshold, for a while, then lets it back', () => {
    let now = 0;
    const scores = new PeerScores({ banThreshold: 100, banMs: 60_000, recoveryPerMinute: 10 }, () => now);
    expect(scores.penalise('p', 'forged')).toBe(false);
    expect(scores.isBanned('p')).toBe(false);
    expect(scores.penalise('p', 'forged')).toBe(true);
    expect(scores.isBanned('p')).toBe(true);
    now += 61_000;
    expect(scores.isBanned('p')).toBe(false);
    expect(scores.score('p').offences.forged).toBe(2);
  });

  it('forgives points with time, so rare honest mistakes never add up to a ban', () => {
    let now = 0;
    const scores = new PeerScores({ banThreshold: 100, recoveryPerMinute: 10 }, () => now);
    for (let i = 0; i < 50; i++) {
      scores.penalise('p', 'replay');
      now += 60_000;
    }
    expect(scores.isBanned('p')).toBe(false);
    expect(scores.score('p').points).toBeLessThan(100);
  });
});
