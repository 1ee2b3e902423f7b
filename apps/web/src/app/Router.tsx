import { useEffect } from 'react';
import { Loading } from '../components/Loading';
import { PageHeader } from '../components/PageHeader';
import { useI18n } from '../i18n/i18n';
import { Link, navigate, useLocation, withQuery } from '../lib/router';
import { findOrg, useSession } from '../session/session';
import { resolveRoute } from './routes';

/** Picks the screen for the current address, sending visitors who are not logged in to the login page. */
export function Router() {
  const location = useLocation();
  const session = useSession();
  const { t } = useI18n();
  const match = resolveRoute(location.path);
  const needsLogin = !!match && match.route.kind !== 'public' && session.ready && !session.me;

  useEffect(() => {
    if (needsLogin)
      navigate(withQuery('/login', { next: location.href === '/' ? undefined : location.href }), {
        replace: true,
      });
  }, [needsLogin, location.href]);

  if (!session.ready) return <Loading />;
  if (!match) return <NotFound />;
  const { route, params } = match;
  if (route.kind === 'public') return <route.screen params={params} location={location} />;
  if (!session.me) return <Loading />;
  if (route.kind === 'signedIn') return <route.screen params={params} location={location} />;
  const org = findOrg(session.orgs, params.org);
  if (!org) {
    return (
      <>
        <PageHeader title={t('app.notFound')} />
        <p>{t('org.notMember', { key: params.org })}</p>
        <Link to="/">{t('app.goHome')}</Link>
      </>
    );
  }
  return <route.screen params={params} location={location} org={org} key={org.id} />;
}

function NotFound() {
  const { t } = useI18n();
  return (
    <>
      <PageHeader title={t('app.notFound')} />
      <Link to="/">{t('app.goHome')}</Link>
    </>
  );
}
