import { Args, Context, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { RequestContext } from '../auth/viewer.js';
import { hlcToDate } from '../common/hlc-time.js';
import { GatewayInvite, InviteGatewayInput } from './dtos/gateway-invite.types.js';
import {
  AdmittedGateway,
  Connectivity,
  GatewayAdmissionStatus,
  JoinedOrganization,
  MeshStatus,
  RevokeGatewayInput,
  SyncState,
  type SyncStatus,
} from './dtos/mesh.types.js';
import { MeshService } from './mesh.service.js';

@Resolver()
export class MeshResolver {
  constructor(private readonly mesh: MeshService) {}

  @Mutation(() => GatewayInvite, {
    description: 'Invites another gateway to host an organisation (admins). The code works once.',
  })
  inviteGateway(
    @Args('input') input: InviteGatewayInput,
    @Context() ctx: RequestContext,
  ): Promise<GatewayInvite> {
    return this.mesh.inviteGateway(ctx.viewer, input.orgId, input.validForHours);
  }

  @Mutation(() => JoinedOrganization, {
    description: "Joins this gateway to an organisation with another gateway's invite code (operator)",
  })
  joinOrganization(@Args('code') code: string, @Context() ctx: RequestContext): Promise<JoinedOrganization> {
    return this.mesh.joinOrganization(ctx.viewer, code);
  }

  @Mutation(() => Boolean, {
    description: 'Revokes a gateway: its later ops are refused and peers stop syncing with it (admins)',
  })
  async revokeGateway(
    @Args('input') input: RevokeGatewayInput,
    @Context() ctx: RequestContext,
  ): Promise<boolean> {
    await this.mesh.revokeGateway(ctx.viewer, input.orgId, input.peerId);
    return true;
  }

  @Query(() => [AdmittedGateway], { description: 'Gateways admitted to an organisation, and revoked ones' })
  async admittedGateways(
    @Args('orgId', { type: () => ID }) orgId: string,
    @Context() ctx: RequestContext,
  ): Promise<AdmittedGateway[]> {
    const me = this.mesh.peerId;
    return (await this.mesh.gateways(ctx.viewer, orgId)).map(({ row, peer }) => ({
      peerId: peer,
      status: (row?.status ?? 'admitted') as GatewayAdmissionStatus,
      since: row ? hlcToDate(row.stamp.split('/')[0]) : new Date(0),
      isThisGateway: peer === me,
      connected: this.mesh.connected(peer),
    }));
  }

  @Query(() => [SyncState], {
    description: 'Replication state per organisation and peer (operator; admins for their organisation)',
  })
  async syncStates(
    @Args('orgId', { type: () => ID, nullable: true }) orgId: string | null,
    @Context() ctx: RequestContext,
  ): Promise<SyncState[]> {
    const now = Date.now();
    return (await this.mesh.syncStates(ctx.viewer, orgId)).map((s) => ({
      orgId: s.org,
      peerId: s.peer,
      status: s.status as SyncStatus,
      lastSuccessAt: s.lastSuccessAt ? new Date(s.lastSuccessAt) : null,
      lastAttemptAt: s.lastAttemptAt ? new Date(s.lastAttemptAt) : null,
      lastError: s.lastError,
      behind: s.behind,
      ahead: s.ahead,
      lagSeconds: s.lastSuccessAt ? Math.round((now - s.lastSuccessAt) / 1000) : null,
      opsReceived: s.opsReceived,
      opsSent: s.opsSent,
    }));
  }

  @Query(() => Connectivity, {
    description: "This gateway's connections and an organisation's last sync (any member)",
  })
  connectivity(
    @Args('orgId', { type: () => ID, nullable: true }) orgId: string | null,
    @Context() ctx: RequestContext,
  ): Promise<Connectivity> {
    return this.mesh.connectivity(ctx.viewer, orgId);
  }

  @Query(() => MeshStatus, {
    description: 'This gateway on the mesh: addresses, connections, bans (operator)',
  })
  meshStatus(@Context() ctx: RequestContext): Promise<MeshStatus> {
    return this.mesh.status(ctx.viewer);
  }
}
