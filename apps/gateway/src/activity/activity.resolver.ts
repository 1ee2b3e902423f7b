import { Args, Context, ID, Resolver, Subscription } from '@nestjs/graphql';
import type { RequestContext } from '../auth/viewer.js';
import { LiveUpdates, type SubscriptionPubSub } from '../graphql/live-updates.service.js';
import { ActivityService, activityTopic } from './activity.service.js';
import { OrgActivity } from './dtos/activity.types.js';

interface ActivityFilter {
  domains?: string[] | null;
  entity?: string | null;
}

@Resolver(() => OrgActivity)
export class ActivityResolver {
  constructor(
    private readonly activity: ActivityService,
    private readonly live: LiveUpdates,
  ) {}

  @Subscription(() => OrgActivity, {
    description:
      'Changes to decisions, projects and workflows of an organisation (or department), here or on other gateways; optionally only some domains, or one entity',
    filter: (payload: { orgActivity: OrgActivity }, variables: ActivityFilter) =>
      (!variables.domains?.length || variables.domains.includes(payload.orgActivity.domain)) &&
      (!variables.entity || variables.entity === payload.orgActivity.entity),
  })
  async orgActivity(
    @Args('orgId', { type: () => ID }) orgId: string,
    @Args('domains', { type: () => [String], nullable: true }) _domains: string[] | null,
    @Args('entity', { type: () => ID, nullable: true }) _entity: string | null,
    @Context() ctx: RequestContext & { pubsub: SubscriptionPubSub },
  ) {
    return this.live.subscribe(ctx.pubsub, activityTopic(orgId), () =>
      this.activity.requireReadable(ctx.viewer, orgId),
    );
  }
}
