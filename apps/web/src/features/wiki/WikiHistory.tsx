import { type FormEvent, useState } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { Time } from '../../components/Time';
import { useI18n } from '../../i18n/i18n';
import { Link, navigate, withQuery } from '../../lib/router';
import { useQuery } from '../../lib/use-query';
import { type RevisionSummary, WIKI_HISTORY } from './wiki-api';

interface HistoryData {
  wikiPageHistory: { nodes: RevisionSummary[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

/** A page's versions, newest first; pick two to compare, or see what one version changed. */
export function WikiHistory({
  orgId,
  path,
  basePath,
  nameOf,
}: {
  orgId: string;
  path: string;
  /** The page's address in the app, to which ?rev= and ?diff are added. */
  basePath: string;
  nameOf: (id: string | null | undefined) => string;
}) {
  const { t, dateTime } = useI18n();
  const history = useQuery<HistoryData>(WIKI_HISTORY, { orgId, path });
  const revisions = history.data?.wikiPageHistory.nodes ?? [];
  const [from, setFrom] = useState<string | null>(null);
  const [to, setTo] = useState<string | null>(null);
  const chosenFrom = from ?? revisions[1]?.id ?? null;
  const chosenTo = to ?? revisions[0]?.id ?? null;

  const compare = (event: FormEvent) => {
    event.preventDefault();
    if (chosenFrom && chosenTo) navigate(withQuery(basePath, { diff: '', from: chosenFrom, to: chosenTo }));
  };

  if (history.loading && !history.data) return <Loading />;
  return (
    <form onSubmit={compare}>
      <ErrorMessage error={history.error} />
      <div className="table-wrap">
        <table className="table history">
          <thead>
            <tr>
              <th scope="col">{t('wiki.compareFrom')}</th>
              <th scope="col">{t('wiki.compareTo')}</th>
              <th scope="col">{t('wiki.revision')}</th>
            </tr>
          </thead>
          <tbody>
            {revisions.map((r) => (
              <tr key={r.id}>
                <td>
                  <input
                    type="radio"
                    name="from"
                    aria-label={`${t('wiki.compareFrom')}: ${r.title}, ${dateTime(r.createdAt)}`}
                    checked={chosenFrom === r.id}
                    onChange={() => setFrom(r.id)}
                  />
                </td>
                <td>
                  <input
                    type="radio"
                    name="to"
                    aria-label={`${t('wiki.compareTo')}: ${r.title}, ${dateTime(r.createdAt)}`}
                    checked={chosenTo === r.id}
                    onChange={() => setTo(r.id)}
                  />
                </td>
                <td>
                  <Time value={r.createdAt} /> · {r.authorId ? nameOf(r.authorId) : t('wiki.merge')}
                  {r.isMerge && <span className="badge">{t('wiki.merge')}</span>}
                  {r.resolvesConflict && <span className="badge">{t('wiki.resolution')}</span>}
                  <div className="muted small-text">{r.title}</div>
                  <div className="row-actions">
                    <Link to={withQuery(basePath, { rev: r.id })}>{t('wiki.view')}</Link>
                    {r.parentIds[0] && (
                      <>
                        {' · '}
                        <Link to={withQuery(basePath, { diff: '', from: r.parentIds[0], to: r.id })}>
                          {t('wiki.changes')}
                        </Link>
                      </>
                    )}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {revisions.length > 1 && (
        <button type="submit" className="primary">
          {t('wiki.compare')}
        </button>
      )}
    </form>
  );
}
