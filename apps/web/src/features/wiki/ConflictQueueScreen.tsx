import type { OrgScreenProps } from '../../app/routes';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { Time } from '../../components/Time';
import { useI18n } from '../../i18n/i18n';
import { Link, pathTo, withQuery } from '../../lib/router';
import { useQuery } from '../../lib/use-query';
import { orgKey, useSession } from '../../session/session';
import { CONFLICTS } from './wiki-api';

interface ConflictRow {
  id: string;
  orgId: string;
  docKind: string;
  docKey: string;
  updatedAt: string;
  heads: { id: string; title: string; authorId: string | null }[];
}

/** The organisation's (and its departments') open edit conflicts, each linking to its resolution. */
export function ConflictQueueScreen({ org }: OrgScreenProps) {
  const { t } = useI18n();
  const { orgs } = useSession();
  const conflicts = useQuery<{ conflicts: { nodes: ConflictRow[] } }>(CONFLICTS, { orgId: org.id });
  const linkFor = (c: ConflictRow) => {
    const owner = orgs.find((o) => o.id === c.orgId) ?? org;
    const key = orgKey(orgs, owner);
    return c.docKind === 'wiki'
      ? withQuery(pathTo('o', key, 'wiki', c.docKey), { conflict: '' })
      : withQuery(pathTo('o', key, 'blog', c.docKey), { conflict: '' });
  };
  return (
    <div>
      <PageHeader title={t('conflict.queue')} sub={org.name} />
      <ErrorMessage error={conflicts.error} />
      {conflicts.loading && !conflicts.data ? (
        <Loading />
      ) : conflicts.data?.conflicts.nodes.length ? (
        <ul className="card-list">
          {conflicts.data.conflicts.nodes.map((c) => (
            <li key={c.id}>
              <span className="badge">
                {c.docKind === 'wiki' ? t('conflict.kindWiki') : t('conflict.kindBlog')}
              </span>{' '}
              <Link to={linkFor(c)}>{c.heads[0]?.title ?? c.docKey}</Link>
              <div className="muted small-text">
                <Time value={c.updatedAt} />
              </div>
            </li>
          ))}
        </ul>
      ) : (
        <p>{t('conflict.none')}</p>
      )}
    </div>
  );
}
