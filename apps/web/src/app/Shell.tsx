import { type FormEvent, type ReactNode, useEffect, useRef, useState } from 'react';
import { ErrorMessage } from '../components/ErrorMessage';
import { type MessageKey, useI18n } from '../i18n/i18n';
import { Link, matchPath, navigate, pathTo, useLocation, withQuery } from '../lib/router';
import { useCapabilities } from '../session/capabilities';
import { findOrg, type Org, orgKey, useSession } from '../session/session';
import { OrgSwitcher } from './OrgSwitcher';
import { StatusBar } from './StatusBar';

/** The org sections in the navigation, with the API field each needs (hidden when the gateway lacks it). */
const SECTIONS: { path: string; label: MessageKey; needs?: string }[] = [
  { path: '', label: 'nav.overview' },
  { path: 'wiki', label: 'nav.wiki' },
  { path: 'blog', label: 'nav.blog' },
  { path: 'projects', label: 'nav.projects', needs: 'projects' },
  { path: 'decisions', label: 'nav.decisions', needs: 'decisions' },
  { path: 'workflows', label: 'nav.workflows', needs: 'workflows' },
  { path: 'members', label: 'nav.members' },
];

export function currentOrgKey(path: string): string | undefined {
  return matchPath('/o/:org/*', path)?.org ?? matchPath('/o/:org', path)?.org;
}

export function Shell({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const session = useSession();
  const location = useLocation();
  const org = findOrg(session.orgs, currentOrgKey(location.path));
  const mainRef = useRef<HTMLElement>(null);
  const shownPath = useRef(location.path);

  // After navigating, move focus to the new screen's title so screen readers announce it
  // (not on the first page load: the browser's own focus handling is right there).
  useEffect(() => {
    if (shownPath.current === location.path) return;
    shownPath.current = location.path;
    // The new screen may still be loading: wait (up to 3 s) for its title.
    let tries = 0;
    const timer = window.setInterval(() => {
      // Visible only: while the next screen loads, the previous one stays in the page, hidden.
      const title = [...(mainRef.current?.querySelectorAll<HTMLElement>('[data-page-title]') ?? [])].find(
        (el) => el.getClientRects().length > 0,
      );
      if (title || ++tries > 60) {
        window.clearInterval(timer);
        (title ?? mainRef.current)?.focus({ preventScroll: true });
      }
    }, 50);
    return () => window.clearInterval(timer);
  }, [location.path]);

  useEffect(() => {
    if (org) {
      try {
        localStorage.setItem('gatehouse.lastOrg', org.id);
      } catch {
        // ignore
      }
    }
  }, [org]);

  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          <img src="/favicon.svg" alt="" width="28" height="28" />
          <span className="brand-name">{t('app.name')}</span>
        </Link>
        {session.me && <OrgSwitcher current={org} />}
        {session.me && location.path !== '/search' && (
          <TopSearch initial={location.path === '/search' ? (location.search.get('q') ?? '') : ''} />
        )}
        <nav className="account" aria-label={t('app.mainNav')}>
          {session.me ? (
            <>
              <Link
                to="/settings"
                className="account-link"
                aria-label={t('nav.account', { name: session.me.account.displayName })}
              >
                <span className="avatar" aria-hidden="true">
                  {session.me.account.displayName.slice(0, 1).toUpperCase()}
                </span>
                <span className="account-name">{session.me.account.displayName}</span>
              </Link>
              <button
                type="button"
                className="link-button wide-only"
                onClick={async () => {
                  await session.signOut().catch(() => {});
                  navigate('/login', { replace: true });
                }}
              >
                {t('nav.logOut')}
              </button>
            </>
          ) : (
            <>
              <Link to="/login">{t('nav.logIn')}</Link>
              <Link to="/signup">{t('nav.signUp')}</Link>
            </>
          )}
        </nav>
      </header>
      {session.me && <StatusBar org={org} />}
      {org && <OrgNav org={org} orgs={session.orgs} path={location.path} />}
      <main id="main" ref={mainRef} tabIndex={-1}>
        {session.error && !session.me ? (
          <div>
            <ErrorMessage error={session.error} />
            <button type="button" onClick={session.retry}>
              {t('app.retry')}
            </button>
          </div>
        ) : (
          children
        )}
      </main>
    </>
  );
}

function OrgNav({ org, orgs, path }: { org: Org; orgs: Org[]; path: string }) {
  const { t } = useI18n();
  const caps = useCapabilities();
  const navRef = useRef<HTMLElement>(null);
  // On a phone the sections scroll sideways: keep the current one in view.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on each change of address.
  useEffect(() => {
    const reveal = () => {
      const nav = navRef.current;
      const current = nav?.querySelector<HTMLElement>('[aria-current="page"]');
      if (current && nav && nav.scrollWidth > nav.clientWidth) {
        nav.scrollLeft = current.offsetLeft - (nav.clientWidth - current.offsetWidth) / 2;
      }
    };
    reveal();
    window.addEventListener('resize', reveal);
    return () => window.removeEventListener('resize', reveal);
  }, [path]);
  const key = orgKey(orgs, org);
  const base = pathTo('o', key);
  return (
    <nav className="orgnav" ref={navRef} aria-label={t('app.orgNav', { org: org.name })}>
      <ul>
        {SECTIONS.filter((s) => !s.needs || !caps.loaded || caps.has(s.needs)).map((section) => {
          const href = section.path ? `${base}/${section.path}` : base;
          const active = section.path
            ? path === href || path.startsWith(`${href}/`) || path.startsWith(`${href}-`)
            : path === base;
          return (
            <li key={section.path}>
              <Link to={href} aria-current={active ? 'page' : undefined}>
                {t(section.label)}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

function TopSearch({ initial }: { initial: string }) {
  const { t } = useI18n();
  const [query, setQuery] = useState(initial);
  useEffect(() => setQuery(initial), [initial]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (query.trim()) navigate(withQuery('/search', { q: query.trim() }));
  };
  return (
    <search className="top-search">
      <form onSubmit={submit}>
        <label htmlFor="top-search" className="visually-hidden">
          {t('search.label')}
        </label>
        <input
          id="top-search"
          type="search"
          value={query}
          placeholder={t('search.placeholder')}
          onChange={(e) => setQuery(e.target.value)}
        />
        <button type="submit">{t('search.submit')}</button>
      </form>
    </search>
  );
}
