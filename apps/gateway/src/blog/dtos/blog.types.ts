import { Field, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { IsBoolean, IsString, MaxLength, MinLength } from 'class-validator';
import { IdField } from '../../graphql/id-field.decorator.js';
import { ConnectionOf } from '../../graphql/pagination.js';
import { MAX_COMMENT, MAX_POST, type PostStatus } from '../blog.projection.js';

export enum BlogPostStatus {
  draft = 'draft',
  published = 'published',
}
registerEnumType(BlogPostStatus, { name: 'BlogPostStatus' });

@ObjectType()
export class BlogComment {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  postId!: string;

  @Field(() => ID, { nullable: true })
  authorId!: string | null;

  @Field()
  content!: string;

  @Field()
  html!: string;

  @Field()
  createdAt!: Date;
}

@ObjectType()
export class BlogPost {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  orgId!: string;

  @Field()
  title!: string;

  @Field()
  content!: string;

  @Field()
  html!: string;

  @Field(() => BlogPostStatus)
  status!: PostStatus;

  @Field(() => ID, { nullable: true })
  authorId!: string | null;

  @Field(() => ID)
  currentRevisionId!: string;

  @Field(() => [ID])
  headRevisionIds!: string[];

  @Field(() => ID, { nullable: true })
  conflictId!: string | null;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;

  @Field(() => Date, { nullable: true })
  publishedAt!: Date | null;
}

export const BlogPostConnection = ConnectionOf(BlogPost, 'BlogPost');

@InputType()
export class CreateBlogPostInput {
  @IdField()
  orgId!: string;

  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  title!: string;

  @Field()
  @IsString()
  @MaxLength(MAX_POST)
  content!: string;

  @Field({ defaultValue: false, description: 'Publish at once instead of saving a draft' })
  @IsBoolean()
  publish!: boolean;
}

@InputType()
export class EditBlogPostInput {
  @IdField()
  orgId!: string;

  @IdField()
  postId!: string;

  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  title!: string;

  @Field()
  @IsString()
  @MaxLength(MAX_POST)
  content!: string;

  @Field(() => ID, { description: 'The revision this edit was based on' })
  @IsString()
  @MaxLength(128)
  baseRevisionId!: string;
}

@InputType()
export class AddCommentInput {
  @IdField()
  orgId!: string;

  @IdField()
  postId!: string;

  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_COMMENT)
  content!: string;
}
