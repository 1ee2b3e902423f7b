import { Args, Context, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { RequestContext } from '../../auth/viewer.js';
import { hlcToDate } from '../../common/hlc-time.js';
import {
  CancelGatewayInviteInput,
  GatewayInviteInfo,
  GatewayInviteStatus,
} from '../dtos/gateway-invite.types.js';
import { type GatewayInviteRow, GatewayInvitesService } from './gateway-invites.service.js';

/** What the log says of an invite now; a cancellation wins over expiry. */
function statusOf(row: GatewayInviteRow, now: number): GatewayInviteStatus {
  if (row.used_by) return GatewayInviteStatus.used;
  if (row.cancelled_stamp) return GatewayInviteStatus.cancelled;
  return row.expires_at < now ? GatewayInviteStatus.expired : GatewayInviteStatus.pending;
}

/** Gateway invites an organisation's admins issued: listed, and called off before use. */
@Resolver()
export class GatewayInvitesResolver {
  constructor(private readonly invites: GatewayInvitesService) {}

  @Query(() => [GatewayInviteInfo], {
    description: "An organisation's gateway invites, newest first (admins)",
  })
  async gatewayInvites(
    @Args('orgId', { type: () => ID }) orgId: string,
    @Context() ctx: RequestContext,
  ): Promise<GatewayInviteInfo[]> {
    const now = Date.now();
    return (await this.invites.list(ctx.viewer, orgId)).map((row) => ({
      inviteId: row.id,
      status: statusOf(row, now),
      createdBy: row.created_by,
      createdAt: hlcToDate(row.created_hlc),
      expiresAt: new Date(row.expires_at),
      usedBy: row.used_by,
    }));
  }

  @Mutation(() => Boolean, {
    description:
      'Cancels a gateway invite nobody used yet, from any gateway hosting the organisation (admins). Cancelling it again changes nothing.',
  })
  async cancelGatewayInvite(
    @Args('input') input: CancelGatewayInviteInput,
    @Context() ctx: RequestContext,
  ): Promise<boolean> {
    await this.invites.cancel(ctx.viewer, input.orgId, input.inviteId);
    return true;
  }
}
