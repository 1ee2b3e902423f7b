import { Module } from '@nestjs/common';
import { OrgsModule } from '../orgs/orgs.module.js';
import { WorkflowsModule } from '../workflows/workflows.module.js';
import { DecisionsProjection } from './decisions.projection.js';
import { DecisionsResolver } from './decisions.resolver.js';
import { DecisionsService } from './decisions.service.js';

@Module({
  imports: [OrgsModule, WorkflowsModule],
  providers: [DecisionsProjection, DecisionsService, DecisionsResolver],
})
export class DecisionsModule {}
