import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { ArrayMaxSize, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { IdField } from '../../graphql/id-field.decorator.js';
import { ConnectionOf } from '../../graphql/pagination.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_MESSAGE = 'a date as YYYY-MM-DD';

@ObjectType()
export class Milestone {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  projectId!: string;

  @Field()
  title!: string;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' })
  dueDate!: string | null;
}

@ObjectType()
export class Task {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  orgId!: string;

  @Field(() => ID)
  projectId!: string;

  @Field(() => ID, { nullable: true })
  milestoneId!: string | null;

  @Field()
  title!: string;

  @Field()
  description!: string;

  @Field(() => ID, { nullable: true })
  assigneeId!: string | null;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' })
  dueDate!: string | null;

  @Field(() => [String])
  labels!: string[];

  @Field({ description: 'A state of the task status workflow ("" until that workflow reaches this gateway)' })
  status!: string;

  @Field(() => ID, { description: 'The status workflow version the task runs on' })
  statusVersionId!: string;

  @Field(() => Int, { description: 'Concurrent moves that lost to another move' })
  statusConflicts!: number;

  @Field(() => ID, { nullable: true })
  createdById!: string | null;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}

export const TaskConnection = ConnectionOf(Task, 'Task');

@ObjectType()
export class BoardColumn {
  @Field()
  status!: string;

  @Field()
  label!: string;

  @Field(() => Int, { description: 'All tasks in this status' })
  count!: number;

  @Field(() => [Task], { description: 'The oldest tasks in this status, up to the page size asked for' })
  tasks!: Task[];
}

@ObjectType()
export class Project {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  orgId!: string;

  @Field()
  name!: string;

  @Field()
  description!: string;

  @Field(() => ID, { nullable: true })
  createdById!: string | null;

  @Field()
  createdAt!: Date;
}

export const ProjectConnection = ConnectionOf(Project, 'Project');

@InputType()
export class CreateProjectInput {
  @IdField()
  orgId!: string;

  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @Field({ defaultValue: '' })
  @IsString()
  @MaxLength(20_000)
  description!: string;
}

@InputType()
export class UpdateProjectInput {
  @IdField()
  orgId!: string;

  @IdField()
  projectId!: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(20_000)
  description?: string;
}

@InputType()
export class CreateMilestoneInput {
  @IdField()
  orgId!: string;

  @IdField()
  projectId!: string;

  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(DATE, { message: DATE_MESSAGE })
  dueDate?: string | null;
}

@InputType()
export class UpdateMilestoneInput {
  @IdField()
  orgId!: string;

  @IdField()
  milestoneId!: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title?: string;

  @Field(() => String, { nullable: true, description: 'null clears it' })
  @IsOptional()
  @Matches(DATE, { message: DATE_MESSAGE })
  dueDate?: string | null;
}

/** The fields of a task anyone can set; omitted fields stay as they are, null clears. */
@InputType({ isAbstract: true })
class TaskFieldsInput {
  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(20_000)
  description?: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  assigneeId?: string | null;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' })
  @IsOptional()
  @Matches(DATE, { message: DATE_MESSAGE })
  dueDate?: string | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(40, { each: true })
  labels?: string[];

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  milestoneId?: string | null;
}

@InputType()
export class CreateTaskInput extends TaskFieldsInput {
  @IdField()
  orgId!: string;

  @IdField()
  projectId!: string;

  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title!: string;
}

@InputType()
export class UpdateTaskInput extends TaskFieldsInput {
  @IdField()
  orgId!: string;

  @IdField()
  taskId!: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title?: string;
}

@InputType()
export class MoveTaskInput {
  @IdField()
  orgId!: string;

  @IdField()
  taskId!: string;

  @Field({ description: 'The status to move to, e.g. "doing"' })
  @IsString()
  @MaxLength(100)
  toStatus!: string;
}
