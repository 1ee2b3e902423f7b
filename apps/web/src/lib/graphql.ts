/**
 * The member UI talks to the gateway only through its public GraphQL API, the
 * same one integrations use. A browser session is the httpOnly cookie plus
 * the CSRF token from `signUp`/`logIn`/`me`, sent back in `x-csrf-token` with
 * every POST.
 */
import { connectionState } from './connection';

export interface FieldProblem {
  field: string;
  message: string;
}

/** An error answered by the API (with its code) or a failure to reach it (code NETWORK). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly fields: readonly FieldProblem[] = [],
  ) {
    super(message);
  }

  /** The message for one input field, if the API named it. */
  field(name: string): string | undefined {
    return this.fields.find((f) => f.field === name)?.message;
  }
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; fields?: FieldProblem[] } }[];
}

let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export const GRAPHQL_PATH = '/graphql';

export interface RequestOptions {
  /**
   * Send a query as GET. Used at start, before the page knows its CSRF
   * token: the gateway checks the token on POSTs only (GET cannot mutate, and
   * the session cookie is SameSite=Strict).
   */
  get?: boolean;
}

/** Runs a query or mutation and returns its data; throws ApiError. */
export async function gql<T>(
  query: string,
  variables: Record<string, unknown> = {},
  options: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    if (options.get) {
      const params = new URLSearchParams({ query, variables: JSON.stringify(variables) });
      response = await fetch(`${GRAPHQL_PATH}?${params}`, { headers, credentials: 'same-origin' });
    } else {
      headers['content-type'] = 'application/json';
      response = await fetch(GRAPHQL_PATH, {
        method: 'POST',
        headers,
        credentials: 'same-origin',
        body: JSON.stringify({ query, variables }),
      });
    }
  } catch (err) {
    connectionState.set({ gateway: 'unreachable' });
    throw new ApiError((err as Error).message || 'network error', 'NETWORK');
  }
  connectionState.set({ gateway: 'reachable' });
  let body: GraphQLResponse<T>;
  try {
    body = (await response.json()) as GraphQLResponse<T>;
  } catch {
    throw new ApiError(
      `HTTP ${response.status}`,
      response.status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST',
    );
  }
  const first = body.errors?.[0];
  if (first) {
    throw new ApiError(
      first.message,
      first.extensions?.code ?? 'INTERNAL_SERVER_ERROR',
      first.extensions?.fields,
    );
  }
  return body.data as T;
}
