import { fileURLToPath } from 'node:url';
import { Inject, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { LOGGER } from '../oplog/tokens.js';
import { registerWebRoutes } from './web-routes.js';

/**
 * Where the member UI's build lands. Resolved from this file, not the working
 * directory, so `npm start` from the repository root and a systemd unit
 * started elsewhere find the same folder (apps/gateway/{src,dist}/web ->
 * apps/web/dist).
 */
export const WEB_DIST_DIR = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

@Injectable()
export class WebRoutes implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    const fastify = this.adapterHost.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (!fastify) return;
    await registerWebRoutes(fastify, { distDir: WEB_DIST_DIR });
    this.log.debug({ distDir: WEB_DIST_DIR }, 'member UI routes registered');
  }
}

/** Serves the member web UI (apps/web) at `/`, with a fallback to index.html for client-side routes. */
@Module({ providers: [WebRoutes] })
export class WebModule {}
