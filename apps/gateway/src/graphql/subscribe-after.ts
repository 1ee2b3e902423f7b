/** The pub/sub Mercurius puts in a subscription's context. */
export interface SubscriptionPubSub {
  subscribe(topic: string): Promise<AsyncIterable<unknown>>;
}

/**
 * Subscribes to `topic` once `check` (an access check) passes. An error
 * thrown by a subscription resolver goes through Nest's exception handling,
 * which hands Mercurius a value it cannot iterate, so the subscriber would
 * see a TypeError instead of the refusal: the refusal travels as an iterator
 * that throws it, which Mercurius reports with its code.
 */
export async function subscribeAfter(
  pubsub: SubscriptionPubSub,
  topic: string,
  check: () => Promise<unknown>,
): Promise<AsyncIterable<unknown>> {
  try {
    await check();
  } catch (err) {
    return {
      [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(err) }),
    };
  }
  return pubsub.subscribe(topic);
}
