/**
 * Live updates: GraphQL subscriptions over graphql-ws on the same origin's
 * /graphql websocket. The session cookie authenticates the socket. The
 * client is lazy (no socket until something subscribes) and reconnects
 * after the gateway or the Wi-Fi drops.
 */
import { type Client, createClient } from 'graphql-ws';
import { connectionState } from './connection';
import { GRAPHQL_PATH } from './graphql';

let client: Client | null = null;

function socketUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss' : 'ws'}://${host}${GRAPHQL_PATH}`;
}

function getClient(): Client {
  if (client) return client;
  client = createClient({
    url: socketUrl(),
    lazy: true,
    lazyCloseTimeout: 3_000,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    retryWait: async (retries) => {
      // 1 s, 2 s, 4 s … up to 30 s, with jitter so a hotspot's phones do not reconnect in step.
      const base = Math.min(30_000, 1_000 * 2 ** retries);
      await new Promise((resolve) => setTimeout(resolve, base / 2 + Math.random() * (base / 2)));
    },
    on: {
      connecting: () => connectionState.set({ live: 'connecting' }),
      connected: () => connectionState.set({ live: 'connected' }),
      closed: () => connectionState.set({ live: 'closed' }),
    },
  });
  return client;
}

/** Subscribes; returns the function that unsubscribes. Errors are reported, not thrown. */
export function subscribe<T>(
  query: string,
  variables: Record<string, unknown>,
  onData: (data: T) => void,
  onError?: (error: unknown) => void,
): () => void {
  return getClient().subscribe<T>(
    { query, variables },
    {
      next: (result) => {
        if (result.data) onData(result.data as T);
      },
      error: (err) => onError?.(err),
      complete: () => {},
    },
  );
}

/** Drops the socket, e.g. after logging in or out: the next subscription opens one with the new cookie. */
export function resetLiveUpdates(): void {
  client?.dispose();
  client = null;
  connectionState.set({ live: 'idle' });
}
