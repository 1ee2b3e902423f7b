import { Args, Context, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { RequestContext } from '../auth/viewer.js';
import { PageArgs, pageSize } from '../graphql/pagination.js';
import { WorkflowHistoryEntry } from '../workflows/dtos/workflow-item.types.js';
import { toHistoryEntry } from '../workflows/workflow.mapper.js';
import {
  CreateTaskInput,
  MoveTaskInput,
  Task,
  TaskConnection,
  UpdateTaskInput,
} from './dtos/project.types.js';
import { toTask } from './project.mapper.js';
import { TasksService } from './tasks.service.js';

@Resolver(() => Task)
export class TasksResolver {
  constructor(private readonly tasks: TasksService) {}

  @Query(() => Task)
  async task(
    @Args('orgId', { type: () => ID }) orgId: string,
    @Args('id', { type: () => ID }) id: string,
    @Context() ctx: RequestContext,
  ) {
    return toTask(await this.tasks.get(ctx.viewer, orgId, id));
  }

  @Query(() => TaskConnection, {
    name: 'tasks',
    description: 'The list view: tasks of a project, newest first, filtered',
    complexity: ({ args, childComplexity }) => (args.first ?? 20) * childComplexity,
  })
  async listTasks(
    @Args('orgId', { type: () => ID }) orgId: string,
    @Args('projectId', { type: () => ID }) projectId: string,
    @Args('status', { type: () => String, nullable: true }) status: string | null,
    @Args('assigneeId', { type: () => ID, nullable: true }) assigneeId: string | null,
    @Args('label', { type: () => String, nullable: true }) label: string | null,
    @Args('milestoneId', { type: () => ID, nullable: true }) milestoneId: string | null,
    @Args() page: PageArgs,
    @Context() ctx: RequestContext,
  ) {
    const filter = { status, assigneeId, label, milestoneId };
    const connection = await this.tasks.list(
      ctx.viewer,
      orgId,
      projectId,
      filter,
      pageSize(page),
      page.after,
    );
    return { ...connection, nodes: connection.nodes.map(toTask) };
  }

  @ResolveField(() => [String], { description: 'Statuses the viewer may move this task to now' })
  async availableMoves(@Parent() task: Task, @Context() ctx: RequestContext): Promise<string[]> {
    return this.tasks.moves(ctx.viewer, await this.tasks.row(task.orgId, task.id));
  }

  @ResolveField(() => [WorkflowHistoryEntry], {
    complexity: 50,
    description: 'Creation and every status move',
  })
  async statusHistory(@Parent() task: Task): Promise<WorkflowHistoryEntry[]> {
    const { def, instance } = await this.tasks.statusOf(await this.tasks.row(task.orgId, task.id));
    return instance.history.map((e) => toHistoryEntry(def, e));
  }

  @Mutation(() => Task, { description: 'Adds a task to a project (members)' })
  async createTask(@Args('input') input: CreateTaskInput, @Context() ctx: RequestContext) {
    return toTask(await this.tasks.create(ctx.viewer, input));
  }

  @Mutation(() => Task, {
    description: 'Changes the fields given; null clears assignee, due date or milestone',
  })
  async updateTask(@Args('input') input: UpdateTaskInput, @Context() ctx: RequestContext) {
    return toTask(await this.tasks.update(ctx.viewer, input));
  }

  @Mutation(() => Task, { description: 'Moves a task to another status, as its status workflow allows' })
  async moveTask(@Args('input') input: MoveTaskInput, @Context() ctx: RequestContext) {
    return toTask(await this.tasks.move(ctx.viewer, input));
  }
}
