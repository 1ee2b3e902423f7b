import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { RequestContext } from '../auth/viewer.js';
import { PageArgs, pageSize } from '../graphql/pagination.js';
import { AccessService } from '../orgs/access.service.js';
import { Workflow } from '../workflows/dtos/workflow.types.js';
import { toWorkflow } from '../workflows/workflow.mapper.js';
import {
  BoardColumn,
  CreateMilestoneInput,
  CreateProjectInput,
  Milestone,
  Project,
  ProjectConnection,
  UpdateMilestoneInput,
  UpdateProjectInput,
} from './dtos/project.types.js';
import { toMilestone, toProject, toTask } from './project.mapper.js';
import { ProjectsService } from './projects.service.js';
import { TasksService } from './tasks.service.js';

@Resolver(() => Project)
export class ProjectsResolver {
  constructor(
    private readonly projects: ProjectsService,
    private readonly tasks: TasksService,
    private readonly access: AccessService,
  ) {}

  @Query(() => ProjectConnection, {
    name: 'projects',
    description: 'Projects of an organisation, by name',
    complexity: ({ args, childComplexity }) => (args.first ?? 20) * childComplexity,
  })
  async projectList(
    @Args('orgId', { type: () => ID }) orgId: string,
    @Args() page: PageArgs,
    @Context() ctx: RequestContext,
  ) {
    const connection = await this.projects.list(ctx.viewer, orgId, pageSize(page), page.after);
    return { ...connection, nodes: connection.nodes.map(toProject) };
  }

  @Query(() => Project)
  async project(
    @Args('orgId', { type: () => ID }) orgId: string,
    @Args('id', { type: () => ID }) id: string,
    @Context() ctx: RequestContext,
  ) {
    return toProject(await this.projects.get(ctx.viewer, orgId, id));
  }

  @Query(() => Workflow, {
    description: 'The status workflow new tasks get: the newest "task-status" workflow, or the built-in one',
  })
  async taskStatusWorkflow(@Args('orgId', { type: () => ID }) orgId: string, @Context() ctx: RequestContext) {
    const { org } = await this.access.require(ctx.viewer, orgId, 'viewer');
    return toWorkflow(await this.tasks.statusVersion(org));
  }

  @ResolveField(() => [Milestone], { complexity: 20 })
  async milestones(@Parent() project: Project): Promise<Milestone[]> {
    return (await this.projects.milestones(project.id)).map(toMilestone);
  }

  @ResolveField(() => [BoardColumn], {
    description: 'The board: a column per status, in workflow order',
    complexity: ({ args, childComplexity }) => 8 * (args.perColumn ?? 20) * childComplexity,
  })
  async board(
    @Parent() project: Project,
    @Args('perColumn', { type: () => Int, defaultValue: 20, description: 'Tasks per column, 1 to 100' })
    perColumn: number,
  ): Promise<BoardColumn[]> {
    const org = (await this.access.org(project.orgId))!;
    const columns = await this.tasks.board(project.id, org, Math.min(Math.max(perColumn, 1), 100));
    return columns.map((c) => ({ ...c, tasks: c.tasks.map(toTask) }));
  }

  @Mutation(() => Project, { description: 'Creates a project (editors)' })
  async createProject(@Args('input') input: CreateProjectInput, @Context() ctx: RequestContext) {
    return toProject(await this.projects.create(ctx.viewer, input));
  }

  @Mutation(() => Project)
  async updateProject(@Args('input') input: UpdateProjectInput, @Context() ctx: RequestContext) {
    return toProject(await this.projects.update(ctx.viewer, input));
  }

  @Mutation(() => Milestone)
  async createMilestone(@Args('input') input: CreateMilestoneInput, @Context() ctx: RequestContext) {
    return toMilestone(await this.projects.createMilestone(ctx.viewer, input));
  }

  @Mutation(() => Milestone)
  async updateMilestone(@Args('input') input: UpdateMilestoneInput, @Context() ctx: RequestContext) {
    return toMilestone(await this.projects.updateMilestone(ctx.viewer, input));
  }
}
