import { describe, expect, it } from 'vitest';
import { AnnounceRefusals } from './announce-refusals.js';

describe('AnnounceRefusals', () => {
  it('quiets a peer that refused an organisation for good reason, for a while, per organisation', () => {
    let now = 0;
    const refusals = new AnnounceRefusals(1000, () => now);
    refusals.refused('p', 'org', 'not-admitted');
    refusals.refused('p', 'other', 'busy'); // a passing refusal: announced again at once
    expect(refusals.mayAnnounce('p', 'org')).toBe(false);
    expect(refusals.mayAnnounce('p', 'other')).toBe(true);
    expect(refusals.mayAnnounce('q', 'org')).toBe(true);
    now = 1000;
    expect(refusals.mayAnnounce('p', 'org')).toBe(true);
  });

  it('lets a peer hear from us again once it served the organisation or reconnected', () => {
    const refusals = new AnnounceRefusals(60_000);
    refusals.refused('p', 'org', 'unknown-org');
    refusals.refused('p', 'other', 'unknown-org');
    refusals.served('p', 'org');
    expect(refusals.mayAnnounce('p', 'org')).toBe(true);
    expect(refusals.mayAnnounce('p', 'other')).toBe(false);
    refusals.forgetPeer('p');
    expect(refusals.mayAnnounce('p', 'other')).toBe(true);
  });
});
