import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { MercuriusDriver, type MercuriusDriverConfig } from '@nestjs/mercurius';
import type { Logger } from 'pino';
import { ActivityModule } from './activity/activity.module.js';
import { AuthModule } from './auth/auth.module.js';
import { RequestAuthService } from './auth/request-auth.service.js';
import { BlogModule } from './blog/blog.module.js';
import { ConflictsModule } from './conflicts/conflicts.module.js';
import { DecisionsModule } from './decisions/decisions.module.js';
import { graphqlOptions } from './graphql/graphql-options.js';
import { PassThroughFilter } from './graphql/pass-through.filter.js';
import { MeshModule } from './mesh/mesh.module.js';
import { MetricsService } from './observability/metrics.service.js';
import { ObservabilityModule } from './observability/observability.module.js';
import { type CoreDependencies, OpLogModule } from './oplog/oplog.module.js';
import { LOGGER } from './oplog/tokens.js';
import { OrgsModule } from './orgs/orgs.module.js';
import { ProjectsModule } from './projects/projects.module.js';
import { SearchModule } from './search/search.module.js';
import { WebModule } from './web/web.module.js';
import { WikiModule } from './wiki/wiki.module.js';
import { WorkflowsModule } from './workflows/workflows.module.js';

/** The gateway: core (op log, identity, database) plus one module per domain. */
@Module({})
export class AppModule {
  static forRoot(deps: CoreDependencies): DynamicModule {
    return {
      module: AppModule,
      imports: [
        OpLogModule.forRoot(deps),
        ObservabilityModule,
        AuthModule,
        OrgsModule,
        WikiModule,
        BlogModule,
        ConflictsModule,
        SearchModule,
        MeshModule,
        WorkflowsModule,
        DecisionsModule,
        ProjectsModule,
        ActivityModule,
        WebModule,
        GraphQLModule.forRootAsync<MercuriusDriverConfig>({
          driver: MercuriusDriver,
          imports: [AuthModule],
          inject: [RequestAuthService, MetricsService, LOGGER],
          useFactory: (auth: RequestAuthService, metrics: MetricsService, log: Logger) =>
            graphqlOptions(auth, metrics, log),
        }),
      ],
      providers: [{ provide: APP_FILTER, useClass: PassThroughFilter }],
    };
  }
}
