import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { IsInt, Max, Min } from 'class-validator';
import { IdField } from '../../graphql/id-field.decorator.js';

export enum GatewayInviteStatus {
  pending = 'pending',
  used = 'used',
  expired = 'expired',
  cancelled = 'cancelled',
}
registerEnumType(GatewayInviteStatus, { name: 'GatewayInviteStatus' });

@ObjectType({ description: 'A one-time invite for another gateway to host an organisation' })
export class GatewayInvite {
  @Field({
    description:
      "Hand this to the joining gateway's operator (joinOrganization or `gatehouse join`). Shown once.",
  })
  code!: string;

  @Field(() => ID)
  inviteId!: string;

  @Field()
  expiresAt!: Date;
}

@ObjectType({ description: 'A gateway invite as the log records it (its code is shown only when issued)' })
export class GatewayInviteInfo {
  @Field(() => ID)
  inviteId!: string;

  @Field(() => GatewayInviteStatus)
  status!: GatewayInviteStatus;

  @Field(() => ID, { nullable: true, description: 'The admin who issued it' })
  createdBy!: string | null;

  @Field({ description: 'When it was issued (hybrid logical time)' })
  createdAt!: Date;

  @Field()
  expiresAt!: Date;

  @Field(() => String, { nullable: true, description: 'The gateway it admitted, once used' })
  usedBy!: string | null;
}

@InputType()
export class InviteGatewayInput {
  @IdField()
  orgId!: string;

  @Field(() => Int, { defaultValue: 72 })
  @IsInt()
  @Min(1)
  @Max(24 * 30)
  validForHours!: number;
}

@InputType()
export class CancelGatewayInviteInput {
  @IdField()
  orgId!: string;

  @IdField()
  inviteId!: string;
}
