import type { Op } from '@gatehouse/mesh';
import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Logger } from 'pino';
import type { Observable } from 'rxjs';
import { LOGGER } from '../oplog/tokens.js';

interface PubSub {
  publish(event: { topic: string; payload: unknown }): void;
}

/** The pub/sub Mercurius puts in a subscription's context. */
export interface SubscriptionPubSub {
  subscribe(topic: string): Promise<AsyncIterable<unknown>>;
}

/**
 * Publishes to GraphQL subscriptions (Mercurius's pubsub), from services that
 * have no request, and counts the subscribers of each topic, so that a
 * service reads what it would publish only when somebody listens. One
 * instance per domain module: its resolver subscribes, its service publishes.
 */
@Injectable()
export class LiveUpdates {
  private readonly listeners = new Map<string, number>();

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** Whether any subscription of this gateway listens to `topic`. */
  watched(topic: string): boolean {
    return (this.listeners.get(topic) ?? 0) > 0;
  }

  /**
   * Subscribes to `topic` once `check` (an access check) passes. An error
   * thrown by a subscription resolver goes through Nest's exception handling,
   * which hands Mercurius a value it cannot iterate, so the subscriber would
   * see a TypeError instead of the refusal: the refusal travels as an iterator
   * that throws it, which Mercurius reports with its code.
   */
  async subscribe(
    pubsub: SubscriptionPubSub,
    topic: string,
    check: () => Promise<unknown>,
  ): Promise<AsyncIterable<unknown>> {
    try {
      await check();
    } catch (err) {
      return { [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(err) }) };
    }
    const inner = (await pubsub.subscribe(topic))[Symbol.asyncIterator]();
    this.listeners.set(topic, (this.listeners.get(topic) ?? 0) + 1);
    let open = true;
    const release = () => {
      if (!open) return;
      open = false;
      const left = (this.listeners.get(topic) ?? 1) - 1;
      if (left > 0) this.listeners.set(topic, left);
      else this.listeners.delete(topic);
    };
    const iterator: AsyncIterator<unknown> = {
      next: async () => {
        const step = await inner.next();
        if (step.done) release();
        return step;
      },
      return: async (value?: unknown) => {
        release();
        return (await inner.return?.(value)) ?? { done: true, value };
      },
      throw: async (err?: unknown) => {
        release();
        if (inner.throw) return inner.throw(err);
        throw err;
      },
    };
    return { [Symbol.asyncIterator]: () => iterator };
  }

  publish(topic: string, payload: unknown): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance?.() as
      | { graphql?: { pubsub?: PubSub } }
      | undefined;
    fastify?.graphql?.pubsub?.publish({ topic, payload });
  }

  /**
   * Runs `publishFor` after each commit. A failure (say, the database closing
   * while the gateway stops) is logged, never left to crash the process.
   */
  follow(committed: Observable<readonly Op[]>, publishFor: (ops: readonly Op[]) => Promise<void>): void {
    committed.subscribe((ops) => {
      publishFor(ops).catch((err) => this.log.warn({ err }, 'live update not published'));
    });
  }
}
