import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { Account } from '../../auth/dtos/auth.types.js';
import { IdField } from '../../graphql/id-field.decorator.js';
import { ROLES, type Role } from '../roles.js';

export enum OrgRole {
  viewer = 'viewer',
  member = 'member',
  editor = 'editor',
  admin = 'admin',
  owner = 'owner',
}
registerEnumType(OrgRole, {
  name: 'OrgRole',
  description: 'Roles, weakest first; each includes the rights of those before it',
});

@ObjectType({ description: 'An organisation, or a department of one (parentId set)' })
export class Organization {
  @Field(() => ID)
  id!: string;

  @Field()
  slug!: string;

  @Field()
  name!: string;

  @Field()
  description!: string;

  @Field(() => ID, { nullable: true })
  parentId!: string | null;

  @Field(() => ID, {
    description: 'The organisation whose log holds this one (itself for a top-level organisation)',
  })
  rootId!: string;

  @Field()
  createdAt!: Date;
}

@ObjectType()
export class Member {
  @Field(() => Account)
  account!: Account;

  @Field(() => OrgRole)
  role!: Role;
}

@ObjectType()
export class Invite {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  orgId!: string;

  @Field(() => OrgRole)
  role!: Role;

  @Field()
  expiresAt!: Date;

  @Field(() => Int)
  maxUses!: number;

  @Field(() => Int)
  uses!: number;

  @Field()
  revoked!: boolean;
}

@ObjectType()
export class CreatedInvite {
  @Field({ description: 'The code to hand to the invitee. Shown once.' })
  code!: string;

  @Field(() => Invite)
  invite!: Invite;
}

@InputType()
export class CreateOrganizationInput {
  @Field()
  @IsString()
  @MaxLength(200)
  name!: string;

  @Field({ description: 'Short name for links: lowercase letters, digits, dashes' })
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'slug must be lowercase letters, digits and dashes' })
  slug!: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  description?: string;
}

@InputType()
export class UpdateOrganizationInput {
  @Field()
  @IsString()
  @MaxLength(200)
  name!: string;

  @Field()
  @IsString()
  @MaxLength(4000)
  description!: string;
}

@InputType()
export class CreateInviteInput {
  @IdField()
  orgId!: string;

  @Field(() => OrgRole, { defaultValue: OrgRole.member })
  @IsIn(ROLES)
  role!: Role;

  @Field(() => Int, { defaultValue: 1 })
  @IsInt()
  @Min(1)
  @Max(10000)
  maxUses!: number;

  @Field(() => Int, { defaultValue: 168 })
  @IsInt()
  @Min(1)
  @Max(24 * 365)
  validForHours!: number;
}
