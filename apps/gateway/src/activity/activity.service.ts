import type { Op } from '@gatehouse/mesh';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Viewer } from '../auth/viewer.js';
import { hlcToDate } from '../common/hlc-time.js';
import { LiveUpdates } from '../graphql/live-updates.service.js';
import { OpLogService } from '../oplog/oplog.service.js';
import { AccessService } from '../orgs/access.service.js';
import type { OrgActivity } from './dtos/activity.types.js';

/**
 * Domains whose screens follow activity instead of a subscription of their
 * own. Every member of an organisation may read all of them, so telling a
 * reader that an entity changed reveals nothing they could not fetch.
 */
export const ACTIVITY_DOMAINS = ['decision', 'project', 'workflow'] as const;

export const activityTopic = (orgId: string) => `activity:${orgId}`;

const field = (op: Op, name: string): string | undefined => {
  const value = (op.payload as Record<string, unknown> | null)?.[name];
  return typeof value === 'string' ? value : undefined;
};

/** The organisation or department an op is about. */
const orgOf = (op: Op) => field(op, 'orgId') ?? op.org;

/** What a screen shows that the op changed: the decision a vote is in, the project a milestone is in, else the op's entity. */
const subjectOf = (op: Op) => field(op, 'decisionId') ?? field(op, 'projectId') ?? op.entity;

/** Publishes committed ops of the live domains, local and replicated alike, to `orgActivity`. */
@Injectable()
export class ActivityService implements OnModuleInit {
  constructor(
    private readonly oplog: OpLogService,
    private readonly access: AccessService,
    private readonly live: LiveUpdates,
  ) {}

  onModuleInit(): void {
    this.live.follow(this.oplog.committed, async (ops) => {
      for (const op of ops) {
        const domain = op.kind.split('.')[0];
        if (!(ACTIVITY_DOMAINS as readonly string[]).includes(domain)) continue;
        const orgId = orgOf(op);
        if (!this.live.watched(activityTopic(orgId))) continue;
        const activity: OrgActivity = {
          orgId,
          domain,
          kind: op.kind,
          entity: subjectOf(op),
          at: hlcToDate(op.hlc),
        };
        this.live.publish(activityTopic(activity.orgId), { orgActivity: activity });
      }
    });
  }

  async requireReadable(viewer: Viewer | null, orgId: string): Promise<void> {
    await this.access.require(viewer, orgId, 'viewer');
  }
}
