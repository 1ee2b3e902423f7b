import { useEffect, useRef } from 'react';
import { subscribe } from './live';

/** Keeps a GraphQL subscription open while the component is shown (`variables: null` pauses it). */
export function useSubscription<T>(
  query: string,
  variables: Record<string, unknown> | null,
  onData: (data: T) => void,
): void {
  const handler = useRef(onData);
  handler.current = onData;
  const key = variables === null ? null : JSON.stringify(variables);
  useEffect(() => {
    if (key === null) return;
    return subscribe<T>(query, JSON.parse(key), (data) => handler.current(data));
  }, [query, key]);
}
