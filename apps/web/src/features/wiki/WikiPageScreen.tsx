import { type ReactNode, useEffect, useState } from 'react';
import type { OrgScreenProps } from '../../app/routes';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { loadMarkdownRenderer } from '../../components/markdown-preview';
import { PageHeader } from '../../components/PageHeader';
import { RenderedHtml } from '../../components/RenderedHtml';
import { Time } from '../../components/Time';
import { useI18n } from '../../i18n/i18n';
import { Link, navigate, pathTo, withQuery } from '../../lib/router';
import { useQuery } from '../../lib/use-query';
import { useSubscription } from '../../lib/use-subscription';
import { useAccountNames } from '../../session/accounts';
import { hasRole, orgKey, useSession } from '../../session/session';
import { ConflictResolver } from '../conflicts/ConflictResolver';
import { WikiDiff } from './WikiDiff';
import { WikiEditor } from './WikiEditor';
import { WikiHistory } from './WikiHistory';
import { REVISION, type Revision, WIKI_PAGE, WIKI_PAGE_CHANGED, type WikiPage } from './wiki-api';

type Mode = 'view' | 'edit' | 'history' | 'diff' | 'conflict' | 'rev';

function modeOf(search: URLSearchParams): Mode {
  for (const mode of ['edit', 'history', 'diff', 'conflict'] as const) if (search.has(mode)) return mode;
  return search.has('rev') ? 'rev' : 'view';
}

/**
 * One wiki page: read it, edit it, its history, the diff between two
 * versions, and the resolution of an edit conflict. The mode is in the
 * query string (?edit, ?history, ?diff&from=&to=, ?conflict, ?rev=) so each
 * view has its own address and the back button works.
 */
export function WikiPageScreen({ org, params, location }: OrgScreenProps) {
  const { t } = useI18n();
  const { orgs, me } = useSession();
  const key = orgKey(orgs, org);
  const path = params['*'];
  const base = pathTo('o', key, 'wiki', path);
  const mode = modeOf(location.search);
  const nameOf = useAccountNames(org);
  const canEdit = hasRole(org.myRole, 'editor');
  const page = useQuery<{ wikiPage: WikiPage | null }>(WIKI_PAGE, { orgId: org.id, path });
  const current = page.data?.wikiPage ?? null;
  const [changedBy, setChangedBy] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  // Someone else's edit, here or replicated from another gateway.
  useSubscription<{ wikiPageChanged: WikiPage }>(WIKI_PAGE_CHANGED, { orgId: org.id, path }, (data) => {
    const next = data.wikiPageChanged;
    if (current && (next.path !== current.path || next.currentRevisionId === current.currentRevisionId)) {
      // Another page, or this very version (our own save coming back): nothing new to show.
      if (next.path === current.path) page.setData({ wikiPage: next });
      return;
    }
    const who = next.updatedById === me?.account.id ? t('common.you') : nameOf(next.updatedById);
    page.setData({ wikiPage: next });
    setChangedBy(who);
    if (mode === 'view') setNotice(t('common.liveUpdate', { name: who }));
  });

  // biome-ignore lint/correctness/useExhaustiveDependencies: notices belong to one view of one page.
  useEffect(() => {
    setChangedBy(null);
    setNotice(null);
  }, [mode, path]);

  if (page.loading && !page.data) return <Loading />;
  if (page.error) return <ErrorMessage error={page.error} />;

  if (!current) {
    return (
      <div>
        <PageHeader title={path} />
        {mode === 'edit' && canEdit ? (
          <WikiEditor
            orgId={org.id}
            page={null}
            initialPath={path}
            onSaved={(saved) => {
              page.setData({ wikiPage: saved });
              navigate(pathTo('o', key, 'wiki', saved.path), { replace: true });
            }}
            onCancel={() => navigate(pathTo('o', key, 'wiki'))}
          />
        ) : (
          <>
            <p>{t('wiki.missing', { path })}</p>
            {canEdit && (
              <Link className="button primary" to={withQuery(base, { edit: '' })}>
                {t('wiki.createIt')}
              </Link>
            )}
          </>
        )}
      </div>
    );
  }

  const tabs = (
    <>
      {mode !== 'view' && (
        <Link className="button" to={base}>
          {t('common.back')}
        </Link>
      )}
      {canEdit && mode !== 'edit' && (
        <Link className="button primary" to={withQuery(base, { edit: '' })}>
          {t('wiki.edit')}
        </Link>
      )}
      {mode !== 'history' && (
        <Link className="button" to={withQuery(base, { history: '' })}>
          {t('wiki.history')}
        </Link>
      )}
    </>
  );

  const conflictBanner = current.conflict && current.conflict.status === 'open' && mode !== 'conflict' && (
    <div className="notice notice-warn" role="status">
      <span aria-hidden="true">⚠ </span>
      {t('wiki.conflictBanner')}{' '}
      {canEdit && <Link to={withQuery(base, { conflict: '' })}>{t('wiki.resolveNow')}</Link>}
    </div>
  );

  switch (mode) {
    case 'edit':
      return (
        <div>
          <PageHeader title={t('wiki.editing', { title: current.title })} />
          {conflictBanner}
          <WikiEditor
            orgId={org.id}
            page={current}
            changedBy={changedBy}
            onSaved={(saved) => {
              page.setData({ wikiPage: saved });
              if (saved.conflict?.status === 'open') {
                navigate(withQuery(base, { conflict: '', saved: '1' }), { replace: true });
              } else {
                navigate(base, { replace: true });
              }
            }}
            onCancel={() => navigate(base)}
          />
        </div>
      );
    case 'conflict':
      return (
        <div>
          <PageHeader title={t('conflict.title', { title: current.title })} />
          {location.search.has('saved') && (
            <p className="notice notice-warn" role="alert">
              <span aria-hidden="true">⚠ </span>
              {t('wiki.savedConflict')}
            </p>
          )}
          {current.conflict?.status === 'open' ? (
            <ConflictResolver
              conflict={current.conflict}
              myAccountId={me?.account.id}
              nameOf={nameOf}
              onResolved={async () => {
                await page.reload();
                navigate(base, { replace: true });
              }}
              onCancel={() => navigate(base)}
            />
          ) : (
            <p>
              {t('conflict.none')} <Link to={base}>{current.title}</Link>
            </p>
          )}
        </div>
      );
    case 'history':
      return (
        <div>
          <PageHeader title={t('wiki.historyOf', { title: current.title })}>{tabs}</PageHeader>
          <WikiHistory orgId={org.id} path={current.path} basePath={base} nameOf={nameOf} />
        </div>
      );
    case 'diff': {
      const from = location.search.get('from');
      const to = location.search.get('to');
      return (
        <div>
          <PageHeader title={t('wiki.diffTitle', { title: current.title })}>{tabs}</PageHeader>
          {from && to ? <WikiDiff orgId={org.id} fromId={from} toId={to} /> : <p>{t('app.notFound')}</p>}
        </div>
      );
    }
    case 'rev':
      return (
        <div>
          <OldRevision orgId={org.id} id={location.search.get('rev') ?? ''} base={base} tabs={tabs} />
        </div>
      );
    default:
      return (
        <article>
          <PageHeader
            title={current.title}
            sub={
              <>
                <code>{current.path}</code> · <Time value={current.updatedAt} /> ·{' '}
                {t('common.by', { name: nameOf(current.updatedById) })}
              </>
            }
          >
            {tabs}
          </PageHeader>
          {notice && (
            <p className="notice notice-info" role="status">
              <span aria-hidden="true">⟳ </span>
              {notice}
            </p>
          )}
          {conflictBanner}
          <RenderedHtml html={current.html} />
        </article>
      );
  }
}

function OldRevision({
  orgId,
  id,
  base,
  tabs,
}: {
  orgId: string;
  id: string;
  base: string;
  tabs: ReactNode;
}) {
  const { t, dateTime } = useI18n();
  const revision = useQuery<{ revision: Revision }>(REVISION, { orgId, id });
  const [html, setHtml] = useState<string | null>(null);
  const content = revision.data?.revision.content;
  useEffect(() => {
    if (content === undefined) return;
    let live = true;
    loadMarkdownRenderer().then((render) => live && setHtml(render(content)));
    return () => {
      live = false;
    };
  }, [content]);
  if (revision.error) return <ErrorMessage error={revision.error} />;
  if (!revision.data) return <Loading />;
  return (
    <article>
      <PageHeader title={revision.data.revision.title}>{tabs}</PageHeader>
      <p className="notice notice-info">
        <span aria-hidden="true">ℹ </span>
        {t('wiki.viewingRevision', { when: dateTime(revision.data.revision.createdAt) })}{' '}
        <Link to={base}>{t('wiki.backToCurrent')}</Link>
      </p>
      {html === null ? <Loading /> : <RenderedHtml html={html} />}
    </article>
  );
}
