import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';

interface PubSub {
  publish(event: { topic: string; payload: unknown }): void;
}

/** Publishes to GraphQL subscriptions (Mercurius's pubsub), from services that have no request. */
@Injectable()
export class LiveUpdates {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  publish(topic: string, payload: unknown): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance?.() as
      | { graphql?: { pubsub?: PubSub } }
      | undefined;
    fastify?.graphql?.pubsub?.publish({ topic, payload });
  }
}
