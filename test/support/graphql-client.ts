/**
 * A small GraphQL-over-HTTP client for tests, behaving like a browser: it
 * keeps the session cookie and sends the CSRF token back. With `token` set it
 * behaves like an integration instead (bearer API token, no cookie).
 */
export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data: T | null;
  errors?: {
    message: string;
    path?: string[];
    extensions?: { code?: string; fields?: { field: string; message: string }[] };
  }[];
}

export class GraphQLError extends Error {
  constructor(readonly response: GraphQLResponse<unknown>) {
    super(
      response.errors?.map((e) => `${e.extensions?.code}: ${e.message}`).join('; ') ??
        `HTTP ${response.status}`,
    );
  }
  get code(): string | undefined {
    return this.response.errors?.[0]?.extensions?.code;
  }
}

export class GraphQLClient {
  cookie: string | null = null;
  csrfToken: string | null = null;
  token: string | null = null;

  constructor(readonly url: string) {}

  async request<T = Record<string, any>>(
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<GraphQLResponse<T>> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (this.cookie) headers.cookie = this.cookie;
    if (this.csrfToken) headers['x-csrf-token'] = this.csrfToken;
    const res = await fetch(`${this.url}/graphql`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(20_000),
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) {
      const [pair] = setCookie.split(';');
      this.cookie = pair.endsWith('=') ? null : pair;
    }
    const body = (await res.json()) as GraphQLResponse<T>;
    return { ...body, status: res.status };
  }

  /** Runs a query and returns its data, throwing GraphQLError if there were errors. */
  async gql<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const response = await this.request<T>(query, variables);
    if (response.errors?.length) throw new GraphQLError(response);
    return response.data as T;
  }

  /** Runs a query that must fail; returns the first error's code. */
  async failure(query: string, variables: Record<string, unknown> = {}): Promise<string | undefined> {
    const response = await this.request(query, variables);
    if (!response.errors?.length) throw new Error(`expected an error, got ${JSON.stringify(response.data)}`);
    return response.errors[0].extensions?.code;
  }

  async signUp(name: string, password = 'a long password'): Promise<string> {
    const data = await this.gql<{ signUp: { account: { id: string }; csrfToken: string } }>(
      'mutation ($input: SignUpInput!) { signUp(input: $input) { account { id } csrfToken } }',
      { input: { name, password } },
    );
    this.csrfToken = data.signUp.csrfToken;
    return data.signUp.account.id;
  }

  async logIn(name: string, password = 'a long password'): Promise<string> {
    const data = await this.gql<{ logIn: { account: { id: string }; csrfToken: string } }>(
      'mutation ($input: LogInInput!) { logIn(input: $input) { account { id } csrfToken } }',
      { input: { name, password } },
    );
    this.csrfToken = data.logIn.csrfToken;
    return data.logIn.account.id;
  }
}
