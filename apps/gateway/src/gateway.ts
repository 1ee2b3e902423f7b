import 'reflect-metadata';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import { type GatewayIdentity, loadOrCreateIdentity } from '@gatehouse/mesh';
import type { LoggerService } from '@nestjs/common';
import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type Logger, pino } from 'pino';
import type { DataSource } from 'typeorm';
import { AppModule } from './app.module.js';
import { RequestAuthService } from './auth/request-auth.service.js';
import { badInput } from './common/gatehouse-error.js';
import type { GatewayConfig } from './config/gateway-config.js';
import { databasePath, openDatabase } from './database/data-source.js';
import { WalCheckpointer } from './database/wal-checkpointer.js';
import { installGraphqlRequestHook } from './graphql/graphql-request.hook.js';
import { startMesh } from './mesh/mesh.module.js';
import { MetricsService } from './observability/metrics.service.js';

export interface GatewayOptions {
  config: GatewayConfig;
  /** Wall clock in ms (tests run gateways with clocks years off). */
  wallClock?: () => number;
  logger?: Logger;
  /** Skip listening on HTTP (for commands that only need the app). */
  listen?: boolean;
}

export interface RunningGateway {
  readonly app: NestFastifyApplication;
  readonly url: string;
  readonly identity: GatewayIdentity;
  readonly dataSource: DataSource;
  close(): Promise<void>;
}

function nestLogger(log: Logger): LoggerService {
  return {
    log: (message) => log.debug({ nest: true }, String(message)),
    error: (message, trace) => log.error({ nest: true, trace }, String(message)),
    warn: (message) => log.warn({ nest: true }, String(message)),
    debug: (message) => log.debug({ nest: true }, String(message)),
    verbose: (message) => log.trace({ nest: true }, String(message)),
  };
}

/** Starts a gateway: identity, database, Nest app, HTTP listener. */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const { config } = options;
  const started = performance.now();
  const logger = options.logger ?? pino({ level: config.logLevel, base: { service: 'gatehouse' } });
  const identity = await loadOrCreateIdentity(join(config.dataDir, 'identity.key'));
  const dataSource = await openDatabase(config.dataDir);

  const adapter = new FastifyAdapter({ bodyLimit: config.maxBodyBytes, trustProxy: false });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot({ config, identity, dataSource, wallClock: options.wallClock ?? Date.now, logger }),
    adapter,
    { logger: nestLogger(logger), abortOnError: false },
  );
  app.enableShutdownHooks();
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      exceptionFactory: (errors) =>
        badInput(
          'invalid input',
          errors.map((e) => ({
            field: e.property,
            message: Object.values(e.constraints ?? {}).join('; ') || 'invalid',
          })),
        ),
    }),
  );
  const fastify = app.getHttpAdapter().getInstance();
  await app.register(fastifyCookie as never);
  installGraphqlRequestHook(fastify, app.get(RequestAuthService));
  const metrics = app.get(MetricsService);
  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions?.url ?? 'unmatched';
    metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.httpSeconds.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });

  await app.init();
  let url = '';
  if (options.listen !== false) {
    await app.listen(config.httpPort, config.httpHost);
    await startMesh(app);
    const address = fastify.server.address();
    const port = typeof address === 'object' && address ? address.port : config.httpPort;
    url = `http://${config.httpHost.includes(':') ? `[${config.httpHost}]` : config.httpHost}:${port}`;
    logger.info(
      {
        url,
        peerId: identity.peerId,
        dataDir: config.dataDir,
        startMs: Math.round(performance.now() - started),
      },
      'gateway started',
    );
  }
  // Opened once the gateway is up, so a failed start leaves nothing running.
  const checkpointer = await WalCheckpointer.open(databasePath(config.dataDir));
  return {
    app,
    url,
    identity,
    dataSource,
    async close() {
      try {
        await app.close();
      } finally {
        await checkpointer.close();
        if (dataSource.isInitialized) await dataSource.destroy();
      }
    },
  };
}
