import type { GatewayIdentity } from '@gatehouse/mesh';
import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import { MetricsService } from '../observability/metrics.service.js';
import { OpLogService } from './oplog.service.js';
import { ProjectionRegistry } from './projection-registry.js';
import { StateHashService } from './state-hash.service.js';
import { DATA_SOURCE, GATEWAY_IDENTITY, LOGGER, WALL_CLOCK } from './tokens.js';

export interface CoreDependencies {
  config: GatewayConfig;
  identity: GatewayIdentity;
  dataSource: DataSource;
  wallClock: () => number;
  logger: Logger;
}

/** The gateway's core: settings, identity, database, metrics and the op log. Global: every domain writes ops. */
@Global()
@Module({})
export class OpLogModule {
  static forRoot(deps: CoreDependencies): DynamicModule {
    return {
      module: OpLogModule,
      providers: [
        { provide: GATEWAY_CONFIG, useValue: deps.config },
        { provide: GATEWAY_IDENTITY, useValue: deps.identity },
        { provide: DATA_SOURCE, useValue: deps.dataSource },
        { provide: WALL_CLOCK, useValue: deps.wallClock },
        { provide: LOGGER, useValue: deps.logger },
        MetricsService,
        ProjectionRegistry,
        OpLogService,
        StateHashService,
      ],
      exports: [
        GATEWAY_CONFIG,
        GATEWAY_IDENTITY,
        DATA_SOURCE,
        WALL_CLOCK,
        LOGGER,
        MetricsService,
        ProjectionRegistry,
        OpLogService,
        StateHashService,
      ],
    };
  }
}
