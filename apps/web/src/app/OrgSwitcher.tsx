import { useId } from 'react';
import { useI18n } from '../i18n/i18n';
import { navigate, pathTo, useLocation } from '../lib/router';
import { type Org, orgKey, useSession } from '../session/session';

/** Organisations first, each followed by its departments, so a member can switch in one step. */
export function orderedOrgs(orgs: readonly Org[]): { org: Org; depth: number }[] {
  const byParent = new Map<string | null, Org[]>();
  const ids = new Set(orgs.map((o) => o.id));
  for (const org of orgs) {
    const parent = org.parentId && ids.has(org.parentId) ? org.parentId : null;
    byParent.set(parent, [...(byParent.get(parent) ?? []), org]);
  }
  const out: { org: Org; depth: number }[] = [];
  const walk = (parent: string | null, depth: number) => {
    for (const org of (byParent.get(parent) ?? []).sort((a, b) => a.name.localeCompare(b.name))) {
      out.push({ org, depth });
      walk(org.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

export function OrgSwitcher({ current }: { current: Org | undefined }) {
  const { t } = useI18n();
  const id = useId();
  const { orgs } = useSession();
  const location = useLocation();

  const change = (value: string) => {
    if (value === '#new') return navigate('/orgs/new');
    if (value === '#join') return navigate('/join');
    const org = orgs.find((o) => o.id === value);
    if (!org) return;
    // Stay in the same section (wiki, blog…) when switching.
    const section = current ? location.path.split('/')[3] : undefined;
    const keep =
      section && ['wiki', 'blog', 'projects', 'decisions', 'workflows', 'members', 'tasks'].includes(section);
    navigate(pathTo('o', orgKey(orgs, org), keep ? section : undefined));
  };

  return (
    <div className="org-switcher">
      <label htmlFor={id} className="visually-hidden">
        {t('nav.switchOrg')}
      </label>
      <select id={id} value={current?.id ?? ''} onChange={(e) => change(e.target.value)}>
        {!current && <option value="">{t('nav.chooseOrg')}</option>}
        {orderedOrgs(orgs).map(({ org, depth }) => (
          <option key={org.id} value={org.id}>
            {`${'\u00a0\u00a0'.repeat(depth)}${depth ? '↳ ' : ''}${org.name}`}
          </option>
        ))}
        <option value="#new">{t('nav.newOrg')}</option>
        <option value="#join">{t('nav.join')}</option>
      </select>
    </div>
  );
}
