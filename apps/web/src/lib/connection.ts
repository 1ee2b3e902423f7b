/** What the browser knows about its own link to the gateway: HTTP reachability and the live-update socket. */
import { createStore } from './store';

export interface ConnectionState {
  gateway: 'unknown' | 'reachable' | 'unreachable';
  live: 'idle' | 'connecting' | 'connected' | 'closed';
}

export const connectionState = createStore<ConnectionState>({ gateway: 'unknown', live: 'idle' });
