/**
 * Names for account ids (authors of pages, posts, votes). The API hands out
 * ids; members of the organisation (and of its parent, for a department)
 * give their names. Cached per organisation for the page's lifetime.
 */
import { useEffect, useState } from 'react';
import { useI18n } from '../i18n/i18n';
import { gql } from '../lib/graphql';
import type { Account, Org } from './session';

const MEMBERS = `query MemberNames($key: String!) { organization(key: $key) { members { account { id name displayName } } } }`;

const cache = new Map<string, Promise<Account[]>>();

function membersOf(orgId: string): Promise<Account[]> {
  let pending = cache.get(orgId);
  if (!pending) {
    pending = gql<{ organization: { members: { account: Account }[] } }>(MEMBERS, { key: orgId })
      .then((d) => d.organization.members.map((m) => m.account))
      .catch(() => {
        cache.delete(orgId);
        return [];
      });
    cache.set(orgId, pending);
  }
  return pending;
}

/** Forgets cached names, e.g. after someone joined. */
export function forgetMemberNames(orgId: string): void {
  cache.delete(orgId);
}

/** A function from account id to display name ("someone" while unknown). */
export function useAccountNames(org: Org): (id: string | null | undefined) => string {
  const { t } = useI18n();
  const [names, setNames] = useState<Map<string, string>>(new Map());
  useEffect(() => {
    let live = true;
    const ids = org.rootId !== org.id ? [org.id, org.rootId] : [org.id];
    Promise.all(ids.map(membersOf)).then((lists) => {
      if (!live) return;
      setNames(new Map(lists.flat().map((a) => [a.id, a.displayName || a.name])));
    });
    return () => {
      live = false;
    };
  }, [org.id, org.rootId]);
  return (id) => (id ? (names.get(id) ?? t('common.someone')) : t('common.someone'));
}
