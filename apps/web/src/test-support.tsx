/**
 * Helpers for component tests (jsdom): a fake gateway answering GraphQL
 * operations by name, and the providers screens expect around them.
 */
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { vi } from 'vitest';
import { en } from './i18n/en';
import { I18nProvider } from './i18n/i18n';
import { setCsrfToken } from './lib/graphql';
import { CapabilitiesProvider } from './session/capabilities';
import { type Org, SessionProvider } from './session/session';

export type Handler = (variables: Record<string, unknown>) => unknown;

export interface GatewayCall {
  operation: string;
  variables: Record<string, unknown>;
  method: string;
  csrf: string | null;
}

export const ME = {
  account: { id: 'acc-amina', name: 'amina', displayName: 'Amina Odhiambo' },
  csrfToken: 'csrf-1',
  isOperator: false,
};

export const ORG: Org = {
  id: 'org-1',
  slug: 'kisumu-water',
  name: 'Kisumu Water Board',
  description: '',
  parentId: null,
  rootId: 'org-1',
  myRole: 'owner',
};

/**
 * Answers GraphQL requests by operation name, written in camelCase
 * (`resolveEditConflict` answers `mutation ResolveEditConflict`); an unknown
 * operation gets an error. Returns the calls made.
 */
export function fakeGateway(handlers: Record<string, Handler>): GatewayCall[] {
  const calls: GatewayCall[] = [];
  const all: Record<string, Handler> = {
    me: () => ({ me: ME }),
    myOrganizations: () => ({ organizations: [ORG] }),
    capabilities: () => ({
      query: { fields: ['workflows', 'workflowInbox', 'decisions', 'projects'].map((name) => ({ name })) },
      mutation: { fields: [] },
      subscription: { fields: [] },
    }),
    memberNames: () => ({ organization: { members: [{ account: ME.account }] } }),
    ...handlers,
  };
  setCsrfToken(null);
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: string, init?: RequestInit) => {
      let query = '';
      let variables: Record<string, unknown> = {};
      if (init?.method === 'POST') {
        ({ query, variables } = JSON.parse(String(init.body)));
      } else {
        const url = new URL(String(input), 'http://gateway.test');
        query = url.searchParams.get('query') ?? '';
        variables = JSON.parse(url.searchParams.get('variables') ?? '{}');
      }
      const operation = /(?:query|mutation|subscription)\s+(\w+)/.exec(query)?.[1] ?? 'anonymous';
      const headers = new Headers(init?.headers);
      calls.push({ operation, variables, method: init?.method ?? 'GET', csrf: headers.get('x-csrf-token') });
      const handler = all[operation.charAt(0).toLowerCase() + operation.slice(1)];
      const result = handler
        ? await handler(variables)
        : {
            errors: [{ message: `no fake for ${operation}`, extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
          };
      const body = result && typeof result === 'object' && 'errors' in result ? result : { data: result };
      return new Response(JSON.stringify(body), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    }),
  );
  return calls;
}

/** Renders a screen inside the language, session and capability providers, as the app does. */
export function renderInApp(ui: ReactElement) {
  return render(
    <I18nProvider language="en" messages={en} setLanguage={() => {}}>
      <SessionProvider>
        <CapabilitiesProvider>{ui}</CapabilitiesProvider>
      </SessionProvider>
    </I18nProvider>,
  );
}

export function badInput(message: string, fields: { field: string; message: string }[]) {
  return { data: null, errors: [{ message, extensions: { code: 'BAD_USER_INPUT', fields } }] };
}
