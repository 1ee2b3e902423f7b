import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

@ObjectType({ description: 'A member account. Ids are random and never derived from names.' })
export class Account {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field()
  displayName!: string;
}

@ObjectType()
export class AuthPayload {
  @Field(() => Account)
  account!: Account;

  @Field({
    description: 'Send back in the x-csrf-token header with every request that uses the session cookie',
  })
  csrfToken!: string;

  @Field()
  isOperator!: boolean;
}

@ObjectType()
export class Me {
  @Field(() => Account)
  account!: Account;

  @Field()
  isOperator!: boolean;

  @Field(() => String, { nullable: true, description: 'Present for browser sessions' })
  csrfToken!: string | null;
}

@InputType()
export class SignUpInput {
  @Field()
  @IsString()
  @MaxLength(32)
  name!: string;

  @Field()
  @IsString()
  @MinLength(8)
  @MaxLength(256)
  password!: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  displayName?: string;
}

@InputType()
export class LogInInput {
  @Field()
  @IsString()
  @MaxLength(64)
  name!: string;

  @Field()
  @IsString()
  @MaxLength(256)
  password!: string;
}

@ObjectType()
export class ApiToken {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  lastUsedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  revokedAt!: Date | null;
}

@ObjectType()
export class CreatedApiToken {
  @Field({ description: 'The bearer token. Shown once: only its hash is kept.' })
  token!: string;

  @Field(() => ApiToken)
  apiToken!: ApiToken;
}
