import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { IsString, Matches } from 'class-validator';
import { IdField } from '../../graphql/id-field.decorator.js';

export enum GatewayAdmissionStatus {
  admitted = 'admitted',
  revoked = 'revoked',
}
registerEnumType(GatewayAdmissionStatus, { name: 'GatewayAdmissionStatus' });

export enum SyncStatus {
  idle = 'idle',
  pulling = 'pulling',
  error = 'error',
}
registerEnumType(SyncStatus, { name: 'SyncStatus', description: 'State of the last pull from a peer' });

@ObjectType()
export class JoinedOrganization {
  @Field(() => ID)
  orgId!: string;

  @Field({ description: 'The inviting gateway, which admitted this one' })
  viaPeerId!: string;

  @Field(() => Int, { description: 'Ops of the organisation held when this answer was sent' })
  ops!: number;

  @Field({
    description: 'Whether the first pull had finished; if not, it goes on in the background (see syncStates)',
  })
  complete!: boolean;
}

@ObjectType({ description: 'A gateway admitted to (or revoked from) an organisation' })
export class AdmittedGateway {
  @Field()
  peerId!: string;

  @Field(() => GatewayAdmissionStatus)
  status!: GatewayAdmissionStatus;

  @Field({ description: 'When the admission or revocation happened (hybrid logical time)' })
  since!: Date;

  @Field({ description: 'Whether this is the gateway answering' })
  isThisGateway!: boolean;

  @Field({ description: 'Whether it is connected to this gateway now' })
  connected!: boolean;
}

@ObjectType({ description: 'Replication of one organisation with one peer' })
export class SyncState {
  @Field(() => ID)
  orgId!: string;

  @Field()
  peerId!: string;

  @Field(() => SyncStatus)
  status!: SyncStatus;

  @Field(() => Date, { nullable: true })
  lastSuccessAt!: Date | null;

  @Field(() => Date, { nullable: true })
  lastAttemptAt!: Date | null;

  @Field(() => String, { nullable: true })
  lastError!: string | null;

  @Field(() => Int, { description: 'Ops the peer held that this gateway lacked after the last pull' })
  behind!: number;

  @Field(() => Int, { description: 'Ops this gateway held that the peer lacked after the last pull' })
  ahead!: number;

  @Field(() => Int, {
    nullable: true,
    description: 'Seconds since the last complete pull (lag when behind > 0)',
  })
  lagSeconds!: number | null;

  @Field(() => Int)
  opsReceived!: number;

  @Field(() => Int)
  opsSent!: number;
}

@ObjectType()
export class MeshConnection {
  @Field()
  peerId!: string;

  @Field()
  remoteAddress!: string;

  @Field()
  direction!: string;

  @Field({ description: 'Through a circuit relay rather than direct' })
  relayed!: boolean;
}

@ObjectType()
export class BannedPeer {
  @Field()
  peerId!: string;

  @Field()
  until!: Date;
}

@ObjectType({ description: 'This gateway on the mesh' })
export class MeshStatus {
  @Field()
  peerId!: string;

  @Field()
  region!: string;

  @Field()
  running!: boolean;

  @Field(() => [String])
  addresses!: string[];

  @Field(() => [MeshConnection])
  connections!: MeshConnection[];

  @Field(() => [BannedPeer])
  banned!: BannedPeer[];

  @Field(() => [ForkEvidence], { description: 'Forked chains seen, newest first (at most 100)' })
  forks!: ForkEvidence[];
}

@ObjectType({
  description:
    'A gateway that signed two different ops for one place in its chain: the second was refused and kept as evidence',
})
export class ForkEvidence {
  @Field(() => ID)
  orgId!: string;

  @Field({ description: 'The gateway that forked its chain' })
  author!: string;

  @Field(() => Int)
  seq!: number;

  @Field(() => ID, { description: 'The op this gateway holds at that place' })
  heldOpId!: string;

  @Field(() => ID, { description: 'The other op, refused' })
  otherOpId!: string;

  @Field()
  seenAt!: Date;
}

@ObjectType({ description: "What any member may know of this gateway's connections, for a status bar" })
export class Connectivity {
  @Field()
  region!: string;

  @Field({ description: 'Whether the libp2p node is running' })
  running!: boolean;

  @Field(() => Int, { description: 'Gateways connected now' })
  peersConnected!: number;

  @Field(() => Int, { description: 'Connections that go through a relay' })
  relayedConnections!: number;

  @Field(() => Date, {
    nullable: true,
    description: 'When the organisation asked about last completed a sync with any gateway (null: never)',
  })
  orgLastSyncedAt!: Date | null;
}

@InputType()
export class RevokeGatewayInput {
  @IdField()
  orgId!: string;

  @Field()
  @IsString()
  @Matches(/^[1-9A-HJ-NP-Za-km-z]{40,64}$/, { message: 'peerId must be a base58 peer id' })
  peerId!: string;
}
