import { EDIT_CONFLICT_WORKFLOW } from '@gatehouse/workflow';
import { Args, Context, ID, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { RequestContext } from '../auth/viewer.js';
import { EditConflict } from '../documents/dtos/revision.types.js';
import { RevisionsService } from '../documents/revisions.service.js';
import {
  AssignEditConflictInput,
  EditConflictTextInput,
  EditConflictWorkflowState,
} from './dtos/edit-conflict-workflow.types.js';
import { WorkflowHistoryEntry } from './dtos/workflow-item.types.js';
import { EditConflictWorkflowService } from './edit-conflict-workflow.service.js';
import { toHistoryEntry } from './workflow.mapper.js';

/** The built-in workflow side of edit conflicts: state, assignee, history, and the ops that move them. */
@Resolver(() => EditConflict)
export class EditConflictWorkflowResolver {
  constructor(
    private readonly workflow: EditConflictWorkflowService,
    private readonly revisions: RevisionsService,
  ) {}

  private async instance(c: EditConflict) {
    return this.workflow.instance(await this.revisions.conflictRow(c.orgId, c.id));
  }

  @ResolveField(() => EditConflictWorkflowState)
  async workflowState(@Parent() c: EditConflict): Promise<EditConflictWorkflowState> {
    return (await this.instance(c)).state as EditConflictWorkflowState;
  }

  @ResolveField(() => ID, { nullable: true, description: 'The member the conflict is assigned to' })
  async assigneeId(@Parent() c: EditConflict): Promise<string | null> {
    return (await this.instance(c)).assignee;
  }

  @ResolveField(() => String, { nullable: true, description: 'How it was (or is being) resolved' })
  async resolutionNote(@Parent() c: EditConflict): Promise<string | null> {
    const note = (await this.instance(c)).data.note;
    return typeof note === 'string' ? note : null;
  }

  @ResolveField(() => [WorkflowHistoryEntry], {
    complexity: 50,
    description: 'Opened, assigned, comments, resolved',
  })
  async workflowHistory(@Parent() c: EditConflict): Promise<WorkflowHistoryEntry[]> {
    return (await this.instance(c)).history.map((e) => toHistoryEntry(EDIT_CONFLICT_WORKFLOW, e));
  }

  @Mutation(() => EditConflict, { description: "Assigns an edit conflict to one of the page's editors" })
  async assignEditConflict(@Args('input') input: AssignEditConflictInput, @Context() ctx: RequestContext) {
    const row = await this.workflow.assign(
      ctx.viewer,
      input.orgId,
      input.conflictId,
      input.assigneeId ?? null,
    );
    return this.revisions.toConflict(row);
  }

  @Mutation(() => EditConflict)
  async commentOnEditConflict(@Args('input') input: EditConflictTextInput, @Context() ctx: RequestContext) {
    return this.revisions.toConflict(
      await this.workflow.comment(ctx.viewer, input.orgId, input.conflictId, input.text),
    );
  }

  @Mutation(() => EditConflict, { description: 'Notes how an open conflict is being resolved' })
  async noteEditConflictResolution(
    @Args('input') input: EditConflictTextInput,
    @Context() ctx: RequestContext,
  ) {
    return this.revisions.toConflict(
      await this.workflow.note(ctx.viewer, input.orgId, input.conflictId, input.text),
    );
  }
}
