import { Module } from '@nestjs/common';
import { DocumentsModule } from '../documents/documents.module.js';
import { OrgsModule } from '../orgs/orgs.module.js';
import { JSONScalar } from './dtos/json.scalar.js';
import { EditConflictWorkflowResolver } from './edit-conflict-workflow.resolver.js';
import { EditConflictWorkflowService } from './edit-conflict-workflow.service.js';
import { WorkflowDefinitionsService } from './workflow-definitions.service.js';
import { WorkflowItemsResolver } from './workflow-items.resolver.js';
import { WorkflowItemsService } from './workflow-items.service.js';
import { WorkflowQueriesService } from './workflow-queries.service.js';
import { WorkflowRolesService } from './workflow-roles.service.js';
import { WorkflowsProjection } from './workflows.projection.js';
import { WorkflowsResolver } from './workflows.resolver.js';

@Module({
  imports: [OrgsModule, DocumentsModule],
  providers: [
    JSONScalar,
    WorkflowsProjection,
    WorkflowRolesService,
    WorkflowDefinitionsService,
    WorkflowItemsService,
    WorkflowQueriesService,
    EditConflictWorkflowService,
    WorkflowsResolver,
    WorkflowItemsResolver,
    EditConflictWorkflowResolver,
  ],
  exports: [
    WorkflowsProjection,
    WorkflowRolesService,
    WorkflowDefinitionsService,
    EditConflictWorkflowService,
  ],
})
export class WorkflowsModule {}
