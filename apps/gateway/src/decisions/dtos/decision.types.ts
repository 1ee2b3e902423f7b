import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import {
  ArrayMaxSize,
  IsDate,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { IdField } from '../../graphql/id-field.decorator.js';
import { ConnectionOf } from '../../graphql/pagination.js';
import { VOTING_METHODS, type VotingMethod } from '../tally.util.js';

export enum VotingMethodEnum {
  majority = 'majority',
  approval = 'approval',
  consent = 'consent',
}
registerEnumType(VotingMethodEnum, {
  name: 'VotingMethod',
  description:
    'majority: one option each, adopted with more than half of the ballots; approval: any options each, most approvals wins; consent: adopted unless someone objects',
});

export enum DecisionStatus {
  open = 'open',
  closed = 'closed',
}
registerEnumType(DecisionStatus, { name: 'DecisionStatus' });

export enum DecisionOutcome {
  adopted = 'adopted',
  rejected = 'rejected',
  no_quorum = 'no_quorum',
  tie = 'tie',
  no_majority = 'no_majority',
}
registerEnumType(DecisionOutcome, { name: 'DecisionOutcome' });

@ObjectType()
export class DecisionOption {
  @Field(() => ID)
  id!: string;

  @Field()
  label!: string;
}

@ObjectType()
export class DecisionOptionCount {
  @Field(() => ID)
  optionId!: string;

  @Field(() => Int)
  count!: number;
}

@ObjectType()
export class DecisionObjection {
  @Field(() => ID)
  voterId!: string;

  @Field()
  reason!: string;
}

@ObjectType({ description: 'Computed from the ballots cast before the close; the same on every gateway' })
export class DecisionResult {
  @Field(() => Int, { description: 'Voters whose ballot counts (one each)' })
  ballots!: number;

  @Field()
  quorumMet!: boolean;

  @Field(() => DecisionOutcome)
  outcome!: DecisionOutcome;

  @Field(() => [ID], { description: 'The adopted option, or the options tied at the top' })
  winners!: string[];

  @Field(() => [DecisionOptionCount])
  counts!: DecisionOptionCount[];

  @Field(() => [DecisionObjection])
  objections!: DecisionObjection[];
}

@ObjectType()
export class Vote {
  @Field(() => [ID])
  choices!: string[];

  @Field()
  reason!: string;

  @Field()
  castAt!: Date;
}

@ObjectType({ description: 'A proposal the members of an organisation vote on' })
export class Decision {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  orgId!: string;

  @Field()
  title!: string;

  @Field()
  description!: string;

  @Field(() => VotingMethodEnum)
  method!: VotingMethod;

  @Field(() => [DecisionOption])
  options!: DecisionOption[];

  @Field(() => [String], {
    description: 'Holders of these roles may vote (organisation roles include stronger ones)',
  })
  voterRoles!: string[];

  @Field(() => Int)
  quorum!: number;

  @Field({ description: 'Ballots recorded at or after this time do not count' })
  deadline!: Date;

  @Field(() => DecisionStatus)
  status!: DecisionStatus;

  @Field(() => Date, { nullable: true, description: 'When it was closed early, if it was' })
  closedAt!: Date | null;

  @Field(() => ID, { nullable: true })
  closedById!: string | null;

  @Field(() => ID, { nullable: true })
  proposerId!: string | null;

  @Field()
  createdAt!: Date;
}

export const DecisionConnection = ConnectionOf(Decision, 'Decision');

@InputType()
export class CreateDecisionInput {
  @IdField()
  orgId!: string;

  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title!: string;

  @Field({ defaultValue: '' })
  @IsString()
  @MaxLength(10_000)
  description!: string;

  @Field(() => VotingMethodEnum)
  @IsIn([...VOTING_METHODS])
  method!: VotingMethod;

  @Field(() => [String], { nullable: true, description: 'Option labels (not used by consent)' })
  @IsOptional()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(200, { each: true })
  options?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Who may vote; default ["member"]' })
  @IsOptional()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(40, { each: true })
  voterRoles?: string[] | null;

  @Field(() => Int, { defaultValue: 1, description: 'Least number of voters for a valid result' })
  @IsInt()
  @Min(0)
  @Max(100_000)
  quorum!: number;

  @Field()
  @IsDate()
  deadline!: Date;
}

@InputType()
export class CastVoteInput {
  @IdField()
  orgId!: string;

  @IdField()
  decisionId!: string;

  @Field(() => [ID], { description: 'Option ids: one (majority, consent) or any number (approval)' })
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(128, { each: true })
  choices!: string[];

  @Field({ defaultValue: '', description: 'Why; required with a consent objection' })
  @IsString()
  @MaxLength(2000)
  reason!: string;
}
