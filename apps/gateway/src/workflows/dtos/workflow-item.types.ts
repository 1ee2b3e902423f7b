import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { ArrayMaxSize, IsArray, IsObject, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { IdField } from '../../graphql/id-field.decorator.js';
import { ConnectionOf } from '../../graphql/pagination.js';
import { JSONValue } from './json.scalar.js';

@ObjectType({ description: 'An item moving through a workflow: a purchase request, an application...' })
export class WorkflowItem {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  orgId!: string;

  @Field(() => ID)
  workflowId!: string;

  @Field(() => ID, { description: 'The definition version the item runs on' })
  versionId!: string;

  @Field()
  title!: string;

  @Field()
  state!: string;

  @Field({ description: 'In a final state' })
  closed!: boolean;

  @Field(() => ID, { nullable: true })
  assigneeId!: string | null;

  @Field(() => [String], { description: 'Roles that can move the item on from its state' })
  waitingOnRoles!: string[];

  @Field(() => JSONValue, { description: 'The form data' })
  data!: unknown;

  @Field(() => Int, { description: 'Concurrent transitions that lost (see conflicts)' })
  conflictCount!: number;

  @Field(() => ID, { nullable: true })
  startedById!: string | null;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}

export const WorkflowItemConnection = ConnectionOf(WorkflowItem, 'WorkflowItem');

@ObjectType()
export class AvailableWorkflowTransition {
  @Field()
  id!: string;

  @Field()
  name!: string;

  @Field()
  to!: string;

  @Field({ description: 'Whether the viewer may take it now' })
  allowed!: boolean;

  @Field(() => [String])
  reasons!: string[];
}

@ObjectType({ description: 'One event of an item, with what became of it' })
export class WorkflowHistoryEntry {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'start, transition, assign, comment, update or migrate' })
  type!: string;

  @Field({ description: 'applied, superseded (lost to a concurrent transition) or rejected' })
  status!: string;

  @Field(() => String, { nullable: true })
  reason!: string | null;

  @Field(() => ID, { nullable: true })
  actorId!: string | null;

  @Field({ description: 'Peer id of the gateway it was recorded on' })
  gatewayId!: string;

  @Field()
  at!: Date;

  @Field(() => String, { nullable: true })
  transitionId!: string | null;

  @Field(() => String, { nullable: true })
  fromState!: string | null;

  @Field(() => String, { nullable: true })
  toState!: string | null;

  @Field(() => Int, { nullable: true, description: 'migrate: the version the item ran on' })
  fromVersion!: number | null;

  @Field(() => Int, { nullable: true, description: 'migrate: the version it moved to' })
  toVersion!: number | null;

  @Field(() => ID, { nullable: true })
  assigneeId!: string | null;

  @Field(() => String, { nullable: true })
  text!: string | null;

  @Field(() => JSONValue, { nullable: true, description: 'Form data (start) or the change made with it' })
  data!: unknown;
}

@ObjectType({ description: 'Transitions that competed to leave one visit of a state; the first won' })
export class WorkflowTransitionConflict {
  @Field()
  fromState!: string;

  @Field(() => ID, { nullable: true })
  winner!: string | null;

  @Field(() => [ID])
  losers!: string[];
}

@InputType()
export class StartWorkflowItemInput {
  @IdField()
  orgId!: string;

  @IdField()
  workflowId!: string;

  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title!: string;

  @Field(() => JSONValue, { description: 'The filled-in form' })
  @IsObject()
  data!: Record<string, unknown>;
}

@InputType()
export class TakeWorkflowTransitionInput {
  @IdField()
  orgId!: string;

  @IdField()
  itemId!: string;

  @Field()
  @IsString()
  @MaxLength(100)
  transitionId!: string;

  @Field(() => JSONValue, { nullable: true, description: 'Changes to the form (JSON merge patch)' })
  @IsOptional()
  @IsObject()
  data?: Record<string, unknown> | null;

  @Field(() => ID, {
    nullable: true,
    description:
      'Hand the item to this member; by default it goes back to whoever started it when they may hold it',
  })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  assigneeId?: string | null;
}

@InputType()
export class AssignWorkflowItemInput {
  @IdField()
  orgId!: string;

  @IdField()
  itemId!: string;

  @Field(() => ID, { nullable: true, description: 'null unassigns' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  assigneeId!: string | null;
}

@InputType()
export class CommentOnWorkflowItemInput {
  @IdField()
  orgId!: string;

  @IdField()
  itemId!: string;

  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(10_000)
  text!: string;
}

@InputType({ description: 'Where an item in state `from` goes in the new version' })
export class WorkflowStateMappingInput {
  @Field()
  from!: string;

  @Field()
  to!: string;
}

@InputType()
export class MigrateWorkflowItemInput {
  @IdField()
  orgId!: string;

  @IdField()
  itemId!: string;

  @Field(() => ID, {
    nullable: true,
    description: 'A newer version of the same workflow; default the newest',
  })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  toVersionId?: string | null;

  @Field(() => [WorkflowStateMappingInput], {
    nullable: true,
    description: 'For states the new version renamed or removed; other states keep their id',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  stateMap?: WorkflowStateMappingInput[] | null;

  @Field(() => JSONValue, {
    nullable: true,
    description:
      'Changes to the form data (JSON merge patch), e.g. to fill in a field the new version requires',
  })
  @IsOptional()
  @IsObject()
  data?: Record<string, unknown> | null;
}

@InputType()
export class MigrateWorkflowItemsInput {
  @IdField()
  orgId!: string;

  @IdField()
  workflowId!: string;

  @Field(() => ID, { nullable: true, description: 'A newer version of the workflow; default the newest' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  toVersionId?: string | null;

  @Field(() => [WorkflowStateMappingInput], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  stateMap?: WorkflowStateMappingInput[] | null;

  @Field(() => JSONValue, { nullable: true, description: 'Applied to every item (JSON merge patch)' })
  @IsOptional()
  @IsObject()
  data?: Record<string, unknown> | null;
}
