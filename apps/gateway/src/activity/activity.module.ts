import { Module } from '@nestjs/common';
import { LiveUpdates } from '../graphql/live-updates.service.js';
import { OrgsModule } from '../orgs/orgs.module.js';
import { ActivityResolver } from './activity.resolver.js';
import { ActivityService } from './activity.service.js';

/** Live hints for screens without a subscription of their own: decisions, projects, workflows. */
@Module({
  imports: [OrgsModule],
  providers: [ActivityService, ActivityResolver, LiveUpdates],
})
export class ActivityModule {}
