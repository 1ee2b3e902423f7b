import { Module } from '@nestjs/common';
import { OrgsModule } from '../orgs/orgs.module.js';
import { WorkflowsModule } from '../workflows/workflows.module.js';
import { ProjectsProjection } from './projects.projection.js';
import { ProjectsResolver } from './projects.resolver.js';
import { ProjectsService } from './projects.service.js';
import { TasksResolver } from './tasks.resolver.js';
import { TasksService } from './tasks.service.js';

@Module({
  imports: [OrgsModule, WorkflowsModule],
  providers: [ProjectsProjection, ProjectsService, TasksService, ProjectsResolver, TasksResolver],
})
export class ProjectsModule {}
