/** Who is making a request, as established from its session cookie or API token. */
export interface Viewer {
  readonly accountId: string;
  readonly name: string;
  readonly displayName: string;
  readonly via: 'session' | 'token';
  /** The browser session's CSRF token (sessions only). */
  readonly csrfToken?: string;
  readonly isOperator: boolean;
  /** When a session ends (ms since epoch); unset for API tokens. */
  readonly expiresAt?: number;
}

/** The request context every resolver receives. */
export interface RequestContext {
  viewer: Viewer | null;
  /** Why credentials that were sent were not accepted (expired session, revoked token). */
  credentialProblem?: string;
  /** The session cookie's token, when the request carried one. */
  sessionToken?: string;
  ip: string;
  setCookie?: (name: string, value: string, maxAgeSeconds: number) => void;
  clearCookie?: (name: string) => void;
}

export const SESSION_COOKIE = 'gh_session';
export const CSRF_HEADER = 'x-csrf-token';
