import type { HttpAdapterHost } from '@nestjs/core';
import type { Logger } from 'pino';
import { describe, expect, it } from 'vitest';
import { LiveUpdates, type SubscriptionPubSub } from './live-updates.service.js';

/** A pub/sub whose subscriptions yield `events` and then wait, like Mercurius's. */
function pubsub(events: unknown[]): SubscriptionPubSub {
  return {
    async subscribe() {
      const queue = [...events];
      return {
        [Symbol.asyncIterator]: () => ({
          next: () =>
            queue.length ? Promise.resolve({ done: false, value: queue.shift() }) : new Promise(() => {}),
          return: async () => ({ done: true, value: undefined }),
        }),
      };
    },
  };
}

const live = () => new LiveUpdates({} as HttpAdapterHost, { warn() {} } as unknown as Logger);

describe('LiveUpdates subscriber counts', () => {
  it('counts a topic watched from subscribe until the subscriber leaves', async () => {
    const updates = live();
    expect(updates.watched('wiki:o')).toBe(false);
    const a = (await updates.subscribe(pubsub(['x']), 'wiki:o', async () => {}))[Symbol.asyncIterator]();
    const b = (await updates.subscribe(pubsub([]), 'wiki:o', async () => {}))[Symbol.asyncIterator]();
    expect(updates.watched('wiki:o')).toBe(true);
    expect(await a.next()).toEqual({ done: false, value: 'x' });
    await a.return?.();
    await a.return?.();
    expect(updates.watched('wiki:o')).toBe(true);
    await b.return?.();
    expect(updates.watched('wiki:o')).toBe(false);
  });

  it('does not count a refused subscription, which throws its refusal', async () => {
    const updates = live();
    const refusal = new Error('not a member');
    const it = (
      await updates.subscribe(pubsub(['x']), 'wiki:o', async () => {
        throw refusal;
      })
    )[Symbol.asyncIterator]();
    expect(updates.watched('wiki:o')).toBe(false);
    await expect(it.next()).rejects.toBe(refusal);
  });
});
