import type { Op } from '@gatehouse/mesh';
import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Logger } from 'pino';
import type { Observable } from 'rxjs';
import { LOGGER } from '../oplog/tokens.js';

interface PubSub {
  publish(event: { topic: string; payload: unknown }): void;
}

/** Publishes to GraphQL subscriptions (Mercurius's pubsub), from services that have no request. */
@Injectable()
export class LiveUpdates {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

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
