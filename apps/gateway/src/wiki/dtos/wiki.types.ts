import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { IdField } from '../../graphql/id-field.decorator.js';
import { ConnectionOf } from '../../graphql/pagination.js';
import { MAX_CONTENT } from '../wiki.projection.js';

@ObjectType()
export class WikiPage {
  @Field(() => ID)
  orgId!: string;

  @Field()
  path!: string;

  @Field()
  title!: string;

  @Field({ description: 'Markdown source of the current version' })
  content!: string;

  @Field({ description: 'Rendered, sanitised HTML of the current version' })
  html!: string;

  @Field(() => ID, { description: 'Base new edits on this revision' })
  currentRevisionId!: string;

  @Field(() => [ID], {
    description: 'Revisions no later edit builds on; more than one means concurrent edits',
  })
  headRevisionIds!: string[];

  @Field(() => ID, {
    nullable: true,
    description: 'Set while concurrent edits overlap and wait for a member to resolve them',
  })
  conflictId!: string | null;

  @Field(() => ID, { nullable: true })
  updatedById!: string | null;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}

export const WikiPageConnection = ConnectionOf(WikiPage, 'WikiPage');

@InputType()
export class SaveWikiPageInput {
  @IdField()
  orgId!: string;

  @Field()
  @IsString()
  @MaxLength(200)
  path!: string;

  @Field()
  @IsString()
  @MaxLength(300)
  title!: string;

  @Field()
  @IsString()
  @MaxLength(MAX_CONTENT)
  content!: string;

  @Field(() => ID, {
    nullable: true,
    description: 'The revision this edit was based on; null only to create the page',
  })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  baseRevisionId?: string | null;
}

@InputType()
export class ResolveConflictInput {
  @IdField()
  orgId!: string;

  @IdField()
  conflictId!: string;

  @Field()
  @IsString()
  @MaxLength(300)
  title!: string;

  @Field()
  @IsString()
  @MaxLength(MAX_CONTENT)
  content!: string;
}
