import { Args, Context, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { RequestContext } from '../auth/viewer.js';
import { PageArgs, pageSize } from '../graphql/pagination.js';
import {
  DefineWorkflowInput,
  PublishWorkflowVersionInput,
  Workflow,
  WorkflowConnection,
  WorkflowRoleGrant,
  WorkflowRoleInput,
  WorkflowVersion,
} from './dtos/workflow.types.js';
import { toWorkflow, toWorkflowVersion } from './workflow.mapper.js';
import { WorkflowDefinitionsService } from './workflow-definitions.service.js';
import { WorkflowRolesService } from './workflow-roles.service.js';

@Resolver(() => Workflow)
export class WorkflowsResolver {
  constructor(
    private readonly definitions: WorkflowDefinitionsService,
    private readonly roles: WorkflowRolesService,
  ) {}

  @Query(() => WorkflowConnection, {
    description: 'Workflows of an organisation (newest version of each), by key',
    complexity: ({ args, childComplexity }) => (args.first ?? 20) * childComplexity,
  })
  async workflows(
    @Args('orgId', { type: () => ID }) orgId: string,
    @Args() page: PageArgs,
    @Context() ctx: RequestContext,
  ) {
    const connection = await this.definitions.list(ctx.viewer, orgId, pageSize(page), page.after);
    return { ...connection, nodes: connection.nodes.map(toWorkflow) };
  }

  @Query(() => Workflow)
  async workflow(
    @Args('orgId', { type: () => ID }) orgId: string,
    @Args('id', { type: () => ID }) id: string,
    @Context() ctx: RequestContext,
  ): Promise<Workflow> {
    return toWorkflow(await this.definitions.get(ctx.viewer, orgId, id));
  }

  @ResolveField(() => [WorkflowVersion], {
    complexity: 20,
    description: 'Every published version, oldest first',
  })
  async versions(@Parent() workflow: Workflow): Promise<WorkflowVersion[]> {
    return (await this.definitions.versions(workflow.id)).map(toWorkflowVersion);
  }

  @Mutation(() => Workflow, {
    description: 'Defines a new workflow (version 1). Admins and holders of the designer role.',
  })
  async defineWorkflow(@Args('input') input: DefineWorkflowInput, @Context() ctx: RequestContext) {
    return toWorkflow(await this.definitions.define(ctx.viewer, input));
  }

  @Mutation(() => Workflow, {
    description: 'Publishes the next version of a workflow; running items keep the version they started on',
  })
  async publishWorkflowVersion(
    @Args('input') input: PublishWorkflowVersionInput,
    @Context() ctx: RequestContext,
  ) {
    return toWorkflow(await this.definitions.publish(ctx.viewer, input));
  }

  @Query(() => [WorkflowRoleGrant], {
    complexity: 50,
    description: 'Custom workflow roles granted in an organisation',
  })
  async workflowRoles(@Args('orgId', { type: () => ID }) orgId: string, @Context() ctx: RequestContext) {
    return (await this.roles.grants(ctx.viewer, orgId)).map((g) => ({
      orgId: g.org_id,
      accountId: g.account_id,
      role: g.role,
    }));
  }

  @Mutation(() => Boolean, { description: 'Grants a member a custom workflow role (admins)' })
  async grantWorkflowRole(@Args('input') input: WorkflowRoleInput, @Context() ctx: RequestContext) {
    await this.roles.setGrant(ctx.viewer, input.orgId, input.accountId, input.role, true);
    return true;
  }

  @Mutation(() => Boolean, { description: 'Takes a custom workflow role back (admins)' })
  async revokeWorkflowRole(@Args('input') input: WorkflowRoleInput, @Context() ctx: RequestContext) {
    await this.roles.setGrant(ctx.viewer, input.orgId, input.accountId, input.role, false);
    return true;
  }
}
