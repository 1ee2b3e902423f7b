import { useEffect, useRef } from 'react';
import { usePolling } from './use-polling';
import { useSubscription } from './use-subscription';

const ORG_ACTIVITY = `subscription ($orgId: ID!, $domains: [String!], $entity: ID) {
  orgActivity(orgId: $orgId, domains: $domains, entity: $entity) { kind }
}`;

export interface Watched {
  orgId: string;
  domain: 'decision' | 'project' | 'workflow';
  /** Only changes to this decision, project or workflow item; every change in the domain when absent. */
  entity?: string;
}

/**
 * Fetches a screen again when someone changes what it shows, here or on
 * another gateway (the `orgActivity` subscription). Bursts of changes (a
 * sync bringing many ops) cause one fetch. A slow poll covers changes made
 * while the live socket was down.
 */
export function useLiveRefresh(refresh: () => unknown, watched: Watched, enabled = true): void {
  const latest = useRef(refresh);
  latest.current = refresh;
  const pending = useRef<number | undefined>(undefined);
  const variables = enabled
    ? { orgId: watched.orgId, domains: [watched.domain], entity: watched.entity ?? null }
    : null;
  useSubscription(ORG_ACTIVITY, variables, () => {
    window.clearTimeout(pending.current);
    pending.current = window.setTimeout(() => void latest.current(), 250);
  });
  useEffect(() => () => window.clearTimeout(pending.current), []);
  usePolling(refresh, 60_000, enabled);
}
