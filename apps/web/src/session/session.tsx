/**
 * Who is logged in, and the organisations and departments they belong to.
 * Loaded once at start; refreshed after signing in or out, creating or
 * joining an organisation.
 */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { ApiError, gql, setCsrfToken } from '../lib/graphql';
import { resetLiveUpdates } from '../lib/live';

export interface Account {
  id: string;
  name: string;
  displayName: string;
}

export type OrgRole = 'owner' | 'admin' | 'editor' | 'member' | 'viewer';

export interface Org {
  id: string;
  slug: string;
  name: string;
  description: string;
  parentId: string | null;
  rootId: string;
  myRole: OrgRole | null;
}

export interface AuthPayload {
  account: Account;
  csrfToken: string;
  isOperator: boolean;
}

export const AUTH_FIELDS = 'account { id name displayName } csrfToken isOperator';
const ME = `query Me { me { ${AUTH_FIELDS} } }`;
export const ORG_FIELDS = 'id slug name description parentId rootId myRole';
const ORGS = `query MyOrganizations { organizations { ${ORG_FIELDS} } }`;
const LOG_OUT = 'mutation LogOut { logOut }';

export interface Session {
  /** False until the first answer from the gateway (or the failure to get one). */
  ready: boolean;
  me: AuthPayload | null;
  orgs: Org[];
  /** Set when the gateway could not be reached at start. */
  error: ApiError | null;
  signedIn(payload: AuthPayload): Promise<void>;
  signOut(): Promise<void>;
  reloadOrgs(): Promise<Org[]>;
  retry(): void;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [ready, setReady] = useState(false);
  const [me, setMe] = useState<AuthPayload | null>(null);
  const [orgs, setOrgs] = useState<Org[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const [attempt, setAttempt] = useState(0);

  const reloadOrgs = useCallback(async () => {
    const data = await gql<{ organizations: Org[] }>(ORGS);
    setOrgs(data.organizations);
    return data.organizations;
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` changes to retry.
  useEffect(() => {
    let cancelled = false;
    (async () => {
      try {
        const data = await gql<{ me: AuthPayload | null }>(ME, {}, { get: true });
        if (cancelled) return;
        setCsrfToken(data.me?.csrfToken ?? null);
        setMe(data.me);
        if (data.me) await reloadOrgs();
        setError(null);
      } catch (err) {
        if (!cancelled) setError(err as ApiError);
      } finally {
        if (!cancelled) setReady(true);
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [reloadOrgs, attempt]);

  const signedIn = useCallback(
    async (payload: AuthPayload) => {
      setCsrfToken(payload.csrfToken);
      resetLiveUpdates();
      setMe(payload);
      await reloadOrgs();
    },
    [reloadOrgs],
  );

  const signOut = useCallback(async () => {
    try {
      await gql(LOG_OUT);
    } finally {
      setCsrfToken(null);
      resetLiveUpdates();
      setMe(null);
      setOrgs([]);
    }
  }, []);

  const value = useMemo<Session>(
    () => ({
      ready,
      me,
      orgs,
      error,
      signedIn,
      signOut,
      reloadOrgs,
      retry: () => setAttempt((n) => n + 1),
    }),
    [ready, me, orgs, error, signedIn, signOut, reloadOrgs],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** Finds an organisation of the viewer by the key in a URL (slug, or id when slugs collide). */
export function findOrg(orgs: readonly Org[], key: string | undefined): Org | undefined {
  if (!key) return undefined;
  return orgs.find((o) => o.id === key) ?? orgs.find((o) => o.slug === key);
}

/** The key to put in URLs: the slug, unless two of the viewer's organisations share it. */
export function orgKey(orgs: readonly Org[], org: Org): string {
  return orgs.filter((o) => o.slug === org.slug).length > 1 ? org.id : org.slug;
}

const RANK: Record<OrgRole, number> = { viewer: 0, member: 1, editor: 2, admin: 3, owner: 4 };

/** Whether a role includes the rights of another (roles are ordered, weakest first). */
export function hasRole(role: OrgRole | null | undefined, needed: OrgRole): boolean {
  return !!role && RANK[role] >= RANK[needed];
}
