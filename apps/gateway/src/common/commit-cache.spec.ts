import { describe, expect, it } from 'vitest';
import { CommitCache } from './commit-cache.js';

describe('CommitCache', () => {
  it('loads once, then answers from memory until invalidated', async () => {
    const cache = new CommitCache<string>(10);
    let loads = 0;
    const load = async () => `v${++loads}`;
    expect(await cache.get('a', load)).toBe('v1');
    expect(await cache.get('a', load)).toBe('v1');
    cache.invalidate('a');
    expect(await cache.get('a', load)).toBe('v2');
    expect(loads).toBe(2);
  });

  it('does not keep what a load read before an invalidation that happened during it', async () => {
    const cache = new CommitCache<string>(10);
    let release!: () => void;
    const slow = cache.get('a', () => new Promise<string>((r) => (release = () => r('stale'))));
    cache.invalidate('a');
    release();
    expect(await slow).toBe('stale');
    expect(await cache.get('a', async () => 'fresh')).toBe('fresh');
  });

  it('evicts the least recently used entries beyond its weight', async () => {
    const cache = new CommitCache<string>(5, (v) => v.length);
    await cache.get('a', async () => 'aa');
    await cache.get('b', async () => 'bb');
    await cache.get('a', async () => 'unused'); // a is now the most recent
    await cache.get('c', async () => 'cc'); // 6 > 5: b goes
    expect(cache.size).toBe(2);
    expect(await cache.get('b', async () => 'reloaded')).toBe('reloaded');
    expect(await cache.get('x', async () => 'far too heavy')).toBe('far too heavy');
    expect(cache.size).toBeLessThanOrEqual(2);
  });
});
