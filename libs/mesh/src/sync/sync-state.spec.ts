import { describe, expect, it } from 'vitest';
import { vectorDistance } from './sync-state.js';

describe('vectorDistance', () => {
  it('counts the ops one vector lacks of another, and no more than a GraphQL Int holds', () => {
    expect(vectorDistance({ a: 3, b: 1 }, { a: 5, b: 1, c: 2 })).toBe(4);
    expect(vectorDistance({ a: 5 }, { a: 3 })).toBe(0);
    // A peer may claim any seq up to 2^53; its claim must not break what reports it.
    expect(vectorDistance({}, { a: 2 ** 40, b: 2 ** 53 - 1 })).toBe(2 ** 31 - 1);
  });
});
