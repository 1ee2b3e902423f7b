import { applyDecorators } from '@nestjs/common';
import { Field, ID } from '@nestjs/graphql';
import { IsString, MaxLength } from 'class-validator';

/** An input field holding an id (organisation, post, task…): a GraphQL ID, at most 128 characters. */
export const IdField = () =>
  applyDecorators(
    Field(() => ID),
    IsString(),
    MaxLength(128),
  );
