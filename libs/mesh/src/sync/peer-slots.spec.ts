import { describe, expect, it } from 'vitest';
import { PeerSlots } from './peer-slots.js';

describe('PeerSlots', () => {
  it('runs at most `max` per peer, hands a freed slot to the first in line, and keeps peers apart', async () => {
    const slots = new PeerSlots(2);
    const order: string[] = [];
    const take = (peer: string, name: string) =>
      slots.acquire(peer).then((release) => {
        order.push(name);
        return release;
      });
    const [first, second] = await Promise.all([take('p', 'p1'), take('p', 'p2')]);
    const third = take('p', 'p3');
    const fourth = take('p', 'p4');
    const other = await take('q', 'q1');
    expect(order).toEqual(['p1', 'p2', 'q1']);
    first();
    first(); // a second release of the same slot frees nothing more
    await third;
    expect(order).toEqual(['p1', 'p2', 'q1', 'p3']);
    second();
    (await fourth)();
    (await third)();
    other();
    // Every slot free again: two at once without waiting.
    await Promise.all([take('p', 'p5'), take('p', 'p6')]);
    expect(order.slice(-2)).toEqual(['p5', 'p6']);
  });
});
