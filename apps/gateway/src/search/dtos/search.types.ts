import { Field, ID, ObjectType } from '@nestjs/graphql';

@ObjectType()
export class SearchHit {
  @Field({ description: '"page" or "post"' })
  kind!: string;

  @Field(() => ID)
  orgId!: string;

  @Field({ description: 'Page path or post id' })
  ref!: string;

  @Field()
  title!: string;

  @Field({ description: 'Plain-text excerpt; matches between [ and ]' })
  snippet!: string;
}
