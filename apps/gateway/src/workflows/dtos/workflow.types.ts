import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { ArrayMaxSize, IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IdField } from '../../graphql/id-field.decorator.js';
import { ConnectionOf } from '../../graphql/pagination.js';
import { JSONValue } from './json.scalar.js';

@ObjectType()
export class WorkflowState {
  @Field()
  id!: string;

  @Field(() => String, { nullable: true })
  label!: string | null;

  @Field()
  initial!: boolean;

  @Field()
  final!: boolean;

  @Field(() => [String], { description: 'Roles whose holders may be assigned an item in this state' })
  assigneeRoles!: string[];
}

@ObjectType()
export class WorkflowTransition {
  @Field()
  id!: string;

  @Field()
  name!: string;

  @Field()
  from!: string;

  @Field()
  to!: string;

  @Field(() => [String])
  roles!: string[];

  @Field(() => [String])
  requiredFields!: string[];

  @Field(() => JSONValue, { nullable: true, description: 'JSON Logic over the form data' })
  condition!: unknown;

  @Field(() => String, { nullable: true })
  conditionMessage!: string | null;
}

@ObjectType({ description: 'One published version of a workflow' })
export class WorkflowVersion {
  @Field(() => ID)
  versionId!: string;

  @Field(() => Int)
  version!: number;

  @Field()
  publishedAt!: Date;

  @Field(() => ID, { nullable: true })
  publishedById!: string | null;
}

@ObjectType({
  description: 'A workflow of an organisation, as of one version (the newest unless asked otherwise)',
})
export class Workflow extends WorkflowVersion {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  orgId!: string;

  @Field()
  key!: string;

  @Field()
  name!: string;

  @Field(() => [String], { description: 'Who may start an item (organisation roles include weaker ones)' })
  startRoles!: string[];

  @Field(() => [String], { description: 'Custom roles this workflow declares' })
  roles!: string[];

  @Field(() => [WorkflowState])
  states!: WorkflowState[];

  @Field(() => [WorkflowTransition])
  transitions!: WorkflowTransition[];

  @Field(() => JSONValue, { description: 'The form, as JSON Schema' })
  form!: unknown;

  @Field(() => JSONValue, { description: 'The whole definition, as published' })
  definition!: unknown;
}

export const WorkflowConnection = ConnectionOf(Workflow, 'Workflow');

@ObjectType()
export class WorkflowRoleGrant {
  @Field(() => ID)
  orgId!: string;

  @Field(() => ID)
  accountId!: string;

  @Field()
  role!: string;
}

@InputType()
export class DefineWorkflowInput {
  @IdField()
  orgId!: string;

  @Field(() => JSONValue, {
    description: 'key, name, states, transitions, form, roles (see libs/workflow); the version is assigned',
  })
  @IsObject()
  definition!: Record<string, unknown>;

  @Field(() => [String], { nullable: true, description: 'Who may start items; default ["member"]' })
  @IsOptional()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(40, { each: true })
  startRoles?: string[] | null;
}

@InputType()
export class PublishWorkflowVersionInput extends DefineWorkflowInput {
  @IdField()
  workflowId!: string;
}

@InputType()
export class WorkflowRoleInput {
  @IdField()
  orgId!: string;

  @IdField()
  accountId!: string;

  @Field({ description: 'A custom role such as "treasurer"; "designer" may define workflows' })
  @IsString()
  @Matches(/^[a-z][a-z0-9-]{0,39}$/)
  role!: string;
}
