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

  it('charges a refusal asked again for the same key once per ban period, and each other key anew', () => {
    let now = 0;
    const scores = new PeerScores({ banThreshold: 100, banMs: 60_000, recoveryPerMinute: 0 }, () => now);
    for (let i = 0; i < 500; i++) scores.penalise('p', 'not-admitted', 'org-1');
    expect(scores.score('p')).toMatchObject({ points: 5, offences: { 'not-admitted': 1 } });
    scores.penalise('p', 'not-admitted', 'org-2');
    scores.penalise('p', 'unknown-org', 'org-1');
    expect(scores.score('p')).toMatchObject({
      points: 11,
      offences: { 'not-admitted': 2, 'unknown-org': 1 },
    });
    now += 60_001;
    scores.penalise('p', 'not-admitted', 'org-1');
    expect(scores.score('p').points).toBe(16);
    // Without a key every offence counts.
    for (let i = 0; i < 20; i++) scores.penalise('q', 'not-admitted');
    expect(scores.isBanned('q')).toBe(true);
    // Keys are remembered within a bound: a peer cycling through many still pays for each.
    for (let i = 0; i < 1000; i++) scores.penalise('r', 'unknown-org', `org-${i}`);
    expect(scores.score('r').offences['unknown-org']).toBe(1000);
  });

  it('keeps a bounded number of peers, forgetting the oldest that are not banned', () => {
    // A clock that stands still: points heal with time, and a millisecond between the two
    // offences would leave the first one short of the threshold.
    const scores = new PeerScores({ banThreshold: 100 }, () => 1_000_000);
    scores.penalise('banned', 'forged');
    scores.penalise('banned', 'forged');
    // Fresh keys, each with points against it: none is forgiven yet.
    for (let i = 0; i < 25_000; i++) scores.penalise(`key-${i}`, 'malformed');
    expect(scores.all().length).toBeLessThanOrEqual(10_000);
    expect(scores.isBanned('banned')).toBe(true);
    expect(scores.score('key-24999').points).toBe(20);
  });
});
