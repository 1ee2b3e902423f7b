import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConnectionOf } from '../../graphql/pagination.js';

@ObjectType({ description: 'One version of a wiki page or blog post' })
export class Revision {
  @Field(() => ID)
  id!: string;

  @Field()
  title!: string;

  @Field()
  content!: string;

  @Field(() => [ID], {
    description: 'The revisions this one was based on (two or more for merges and resolutions)',
  })
  parentIds!: string[];

  @Field(() => ID, { nullable: true, description: 'Account that wrote it; null for merge revisions' })
  authorId!: string | null;

  @Field(() => String, { nullable: true, description: 'Peer id of the gateway it was written on' })
  gatewayId!: string | null;

  @Field({
    description: 'A clean three-way merge of concurrent edits, computed identically by every gateway',
  })
  isMerge!: boolean;

  @Field()
  resolvesConflict!: boolean;

  @Field()
  createdAt!: Date;
}

export const RevisionConnection = ConnectionOf(Revision, 'Revision');

export enum DiffLineKind {
  same = 'same',
  added = 'added',
  removed = 'removed',
}
registerEnumType(DiffLineKind, { name: 'DiffLineKind' });

@ObjectType()
export class DiffLine {
  @Field(() => DiffLineKind)
  kind!: DiffLineKind;

  @Field()
  text!: string;
}

@ObjectType()
export class RevisionDiff {
  @Field(() => ID)
  fromId!: string;

  @Field(() => ID)
  toId!: string;

  @Field({ description: 'Unified diff' })
  unified!: string;

  @Field(() => [DiffLine])
  lines!: DiffLine[];
}

export enum ConflictStatus {
  open = 'open',
  resolved = 'resolved',
}
registerEnumType(ConflictStatus, { name: 'ConflictStatus' });

@ObjectType({ description: 'Concurrent edits of a page or post that touched the same lines' })
export class EditConflict {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  orgId!: string;

  @Field({ description: '"wiki" or "blog"' })
  docKind!: string;

  @Field({ description: 'Page path or post id' })
  docKey!: string;

  @Field(() => ConflictStatus)
  status!: ConflictStatus;

  @Field(() => [ID])
  headIds!: string[];

  @Field(() => [Revision], { description: 'The conflicting versions, side by side' })
  heads!: Revision[];

  @Field(() => ID, { nullable: true })
  resolvedById!: string | null;

  @Field()
  updatedAt!: Date;
}
