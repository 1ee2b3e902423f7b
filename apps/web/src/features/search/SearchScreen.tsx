import { type FormEvent, type ReactNode, useEffect, useState } from 'react';
import type { ScreenProps } from '../../app/routes';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { useI18n } from '../../i18n/i18n';
import { Link, navigate, pathTo, withQuery } from '../../lib/router';
import { useQuery } from '../../lib/use-query';
import { orgKey, useSession } from '../../session/session';

const SEARCH = `query Search($query: String!) { search(query: $query, first: 50) { kind orgId ref title snippet } }`;

interface Hit {
  kind: 'page' | 'post' | string;
  orgId: string;
  ref: string;
  title: string;
  snippet: string;
}

/** The API marks matches in snippets as [word]; show them as <mark>, never as HTML. */
export function highlight(snippet: string): ReactNode[] {
  return snippet.split(/(\[[^\]]*\])/g).map((part, i) =>
    part.startsWith('[') && part.endsWith(']') ? (
      // biome-ignore lint/suspicious/noArrayIndexKey: parts of one string, fixed order.
      <mark key={i}>{part.slice(1, -1)}</mark>
    ) : (
      part
    ),
  );
}

export function SearchScreen({ location }: ScreenProps) {
  const { t } = useI18n();
  const { orgs } = useSession();
  const q = location.search.get('q') ?? '';
  const [query, setQuery] = useState(q);
  useEffect(() => setQuery(q), [q]);
  const results = useQuery<{ search: Hit[] }>(SEARCH, q.trim() ? { query: q.trim() } : null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    navigate(withQuery('/search', { q: query.trim() || undefined }), { replace: !!q });
  };

  const linkFor = (hit: Hit) => {
    const org = orgs.find((o) => o.id === hit.orgId);
    if (!org) return null;
    const key = orgKey(orgs, org);
    return hit.kind === 'page' ? pathTo('o', key, 'wiki', hit.ref) : pathTo('o', key, 'blog', hit.ref);
  };

  return (
    <div>
      <PageHeader title={t('search.title')} />
      <search>
        <form onSubmit={submit} className="search-form">
          <label htmlFor="search-query">{t('search.label')}</label>
          <div className="input-with-button">
            <input
              id="search-query"
              type="search"
              value={query}
              placeholder={t('search.placeholder')}
              onChange={(e) => setQuery(e.target.value)}
            />
            <button type="submit" className="primary">
              {t('search.submit')}
            </button>
          </div>
        </form>
      </search>
      <ErrorMessage error={results.error} />
      {results.loading && <Loading />}
      {results.data && q && (
        <section aria-live="polite">
          <h2>{t('search.results', { query: q })}</h2>
          {results.data.search.length === 0 ? (
            <p>{t('search.noResults', { query: q })}</p>
          ) : (
            <ol className="card-list search-results">
              {results.data.search.map((hit) => {
                const href = linkFor(hit);
                const org = orgs.find((o) => o.id === hit.orgId);
                return (
                  <li key={`${hit.orgId}/${hit.kind}/${hit.ref}`}>
                    <span className="badge">
                      {hit.kind === 'page' ? t('search.kindPage') : t('search.kindPost')}
                    </span>{' '}
                    {href ? <Link to={href}>{hit.title}</Link> : hit.title}{' '}
                    {org && <span className="muted small-text">{t('search.in', { org: org.name })}</span>}
                    <p className="snippet">{highlight(hit.snippet)}</p>
                  </li>
                );
              })}
            </ol>
          )}
        </section>
      )}
    </div>
  );
}
