import { availableTransitions } from '@gatehouse/workflow';
import { Args, Context, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { RequestContext } from '../auth/viewer.js';
import { PageArgs, pageSize } from '../graphql/pagination.js';
import { Workflow } from './dtos/workflow.types.js';
import {
  AssignWorkflowItemInput,
  AvailableWorkflowTransition,
  CommentOnWorkflowItemInput,
  MigrateWorkflowItemInput,
  MigrateWorkflowItemsInput,
  StartWorkflowItemInput,
  TakeWorkflowTransitionInput,
  WorkflowHistoryEntry,
  WorkflowItem,
  WorkflowItemConnection,
  WorkflowTransitionConflict,
} from './dtos/workflow-item.types.js';
import { toConflicts, toHistory, toItem, toWorkflow } from './workflow.mapper.js';
import { WorkflowDefinitionsService } from './workflow-definitions.service.js';
import { WorkflowItemsService } from './workflow-items.service.js';
import { WorkflowQueriesService } from './workflow-queries.service.js';

const listCost = ({ args, childComplexity }: { args: { first?: number }; childComplexity: number }) =>
  (args.first ?? 20) * childComplexity;

@Resolver(() => WorkflowItem)
export class WorkflowItemsResolver {
  constructor(
    private readonly items: WorkflowItemsService,
    private readonly queries: WorkflowQueriesService,
    private readonly definitions: WorkflowDefinitionsService,
  ) {}

  @Query(() => WorkflowItem)
  async workflowItem(
    @Args('orgId', { type: () => ID }) orgId: string,
    @Args('id', { type: () => ID }) id: string,
    @Context() ctx: RequestContext,
  ): Promise<WorkflowItem> {
    return toItem((await this.items.load(ctx.viewer, orgId, id)).item);
  }

  @Query(() => WorkflowItemConnection, { complexity: listCost, description: 'Items, newest activity first' })
  async workflowItems(
    @Args('orgId', { type: () => ID }) orgId: string,
    @Args('workflowId', { type: () => ID, nullable: true }) workflowId: string | null,
    @Args('state', { type: () => String, nullable: true }) state: string | null,
    @Args('open', {
      type: () => Boolean,
      nullable: true,
      description: 'true: not in a final state; false: closed',
    })
    open: boolean | null,
    @Args('withConflicts', { type: () => Boolean, nullable: true }) withConflicts: boolean | null,
    @Args() page: PageArgs,
    @Context() ctx: RequestContext,
  ) {
    const filter = { workflowId, state, open, withConflicts };
    const connection = await this.queries.items(ctx.viewer, orgId, filter, pageSize(page), page.after);
    return { ...connection, nodes: connection.nodes.map(toItem) };
  }

  @Query(() => WorkflowItemConnection, {
    complexity: listCost,
    description: 'Open items waiting on the viewer: assigned to them, or waiting on a role they hold',
  })
  async workflowInbox(
    @Args('orgId', { type: () => ID }) orgId: string,
    @Args() page: PageArgs,
    @Context() ctx: RequestContext,
  ) {
    const connection = await this.queries.inbox(ctx.viewer, orgId, pageSize(page), page.after);
    return { ...connection, nodes: connection.nodes.map(toItem) };
  }

  @ResolveField(() => Workflow, { description: 'The workflow as of the version this item runs on' })
  async workflow(@Parent() item: WorkflowItem): Promise<Workflow> {
    return toWorkflow((await this.definitions.version(item.versionId))!);
  }

  @ResolveField(() => [AvailableWorkflowTransition], {
    description: 'What the viewer may do next, and why not',
  })
  async availableTransitions(
    @Parent() item: WorkflowItem,
    @Context() ctx: RequestContext,
  ): Promise<AvailableWorkflowTransition[]> {
    const { access, def, instance } = await this.items.load(ctx.viewer, item.orgId, item.id);
    const roles = await this.items.actorRoles(access);
    return availableTransitions(def, instance, roles).map((a) => ({
      id: a.transition.id,
      name: a.transition.name,
      to: a.transition.to,
      allowed: a.allowed,
      reasons: a.reasons,
    }));
  }

  @ResolveField(() => [WorkflowHistoryEntry], { complexity: 50, description: 'Every event, oldest first' })
  async history(
    @Parent() item: WorkflowItem,
    @Context() ctx: RequestContext,
  ): Promise<WorkflowHistoryEntry[]> {
    return toHistory((await this.items.load(ctx.viewer, item.orgId, item.id)).replayed);
  }

  @ResolveField(() => [WorkflowTransitionConflict], { complexity: 10 })
  async conflicts(@Parent() item: WorkflowItem, @Context() ctx: RequestContext) {
    return toConflicts((await this.items.load(ctx.viewer, item.orgId, item.id)).instance);
  }

  @Mutation(() => WorkflowItem, { description: 'Starts an item by filling in the workflow form' })
  async startWorkflowItem(@Args('input') input: StartWorkflowItemInput, @Context() ctx: RequestContext) {
    return toItem(await this.items.start(ctx.viewer, input));
  }

  @Mutation(() => WorkflowItem)
  async takeWorkflowTransition(
    @Args('input') input: TakeWorkflowTransitionInput,
    @Context() ctx: RequestContext,
  ) {
    return toItem(await this.items.transition(ctx.viewer, input));
  }

  @Mutation(() => WorkflowItem)
  async assignWorkflowItem(@Args('input') input: AssignWorkflowItemInput, @Context() ctx: RequestContext) {
    return toItem(await this.items.assign(ctx.viewer, input));
  }

  @Mutation(() => WorkflowItem, {
    description:
      'Moves an open item to a newer version of its workflow (admins and designers); its history shows the migration',
  })
  async migrateWorkflowItem(@Args('input') input: MigrateWorkflowItemInput, @Context() ctx: RequestContext) {
    return toItem(await this.items.migrate(ctx.viewer, input));
  }

  @Mutation(() => [WorkflowItem], {
    complexity: ({ childComplexity }: { childComplexity: number }) => 20 * childComplexity,
    description:
      'Moves every open item of a workflow (in the organisation and its departments) on an older version to a newer one, all or none',
  })
  async migrateWorkflowItems(
    @Args('input') input: MigrateWorkflowItemsInput,
    @Context() ctx: RequestContext,
  ) {
    return (await this.items.migrateAll(ctx.viewer, input)).map(toItem);
  }

  @Mutation(() => WorkflowItem)
  async commentOnWorkflowItem(
    @Args('input') input: CommentOnWorkflowItemInput,
    @Context() ctx: RequestContext,
  ) {
    return toItem(await this.items.comment(ctx.viewer, input));
  }
}
