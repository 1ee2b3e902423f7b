import { useState } from 'react';
import type { OrgScreenProps } from '../../app/routes';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { Time } from '../../components/Time';
import { useI18n } from '../../i18n/i18n';
import { gql } from '../../lib/graphql';
import { Link, pathTo } from '../../lib/router';
import { useQuery } from '../../lib/use-query';
import { hasRole, orgKey, useSession } from '../../session/session';
import { WIKI_PAGES } from './wiki-api';

interface PageRow {
  path: string;
  title: string;
  updatedAt: string;
  conflictId: string | null;
}
interface PagesData {
  wikiPages: { nodes: PageRow[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

export function WikiIndexScreen({ org }: OrgScreenProps) {
  const { t } = useI18n();
  const { orgs } = useSession();
  const key = orgKey(orgs, org);
  const pages = useQuery<PagesData>(WIKI_PAGES, { orgId: org.id });
  const [more, setMore] = useState<{ rows: PageRow[]; info: PagesData['wikiPages']['pageInfo'] } | null>(
    null,
  );
  const pageInfo = more?.info ?? pages.data?.wikiPages.pageInfo;
  const rows = [...(pages.data?.wikiPages.nodes ?? []), ...(more?.rows ?? [])];

  const loadMore = async () => {
    const data = await gql<PagesData>(WIKI_PAGES, { orgId: org.id, after: pageInfo?.endCursor });
    setMore((m) => ({ rows: [...(m?.rows ?? []), ...data.wikiPages.nodes], info: data.wikiPages.pageInfo }));
  };

  return (
    <div>
      <PageHeader title={t('wiki.title')} sub={org.name}>
        {hasRole(org.myRole, 'editor') && (
          <Link className="button primary" to={pathTo('o', key, 'wiki-new')}>
            {t('wiki.newPage')}
          </Link>
        )}
      </PageHeader>
      <ErrorMessage error={pages.error} />
      {pages.loading && !pages.data ? (
        <Loading />
      ) : rows.length === 0 ? (
        <p>{t('wiki.noPages')}</p>
      ) : (
        <ul className="card-list">
          {rows.map((p) => (
            <li key={p.path}>
              <Link to={pathTo('o', key, 'wiki', p.path)}>{p.title}</Link>
              {p.conflictId && (
                <span className="badge badge-warn">
                  <span aria-hidden="true">⚠ </span>
                  {t('nav.conflicts')}
                </span>
              )}
              <div className="muted small-text">
                <code>{p.path}</code> · <Time value={p.updatedAt} />
              </div>
            </li>
          ))}
        </ul>
      )}
      {pageInfo?.hasNextPage && (
        <button type="button" onClick={loadMore}>
          {t('common.more')}
        </button>
      )}
    </div>
  );
}
