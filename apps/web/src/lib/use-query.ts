import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, gql } from './graphql';

export interface QueryState<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload: () => Promise<void>;
  /** Replaces the data locally, e.g. with what a mutation or a subscription returned. */
  setData: (update: T | ((previous: T | undefined) => T)) => void;
}

/** Runs a query when its variables change. `variables: null` skips it (e.g. until an id is known). */
export function useQuery<T>(query: string, variables: Record<string, unknown> | null): QueryState<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [loading, setLoading] = useState(variables !== null);
  const key = variables === null ? null : JSON.stringify(variables);
  const generation = useRef(0);

  const run = useCallback(async () => {
    if (key === null) return;
    const mine = ++generation.current;
    setLoading(true);
    try {
      const result = await gql<T>(query, JSON.parse(key));
      if (mine !== generation.current) return;
      setData(result);
      setError(undefined);
    } catch (err) {
      if (mine !== generation.current) return;
      setError(err instanceof ApiError ? err : new ApiError(String(err), 'INTERNAL_SERVER_ERROR'));
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, [query, key]);

  useEffect(() => {
    setData(undefined);
    void run();
    return () => {
      generation.current++;
    };
  }, [run]);

  return { data, error, loading, reload: run, setData: setData as QueryState<T>['setData'] };
}

/** A mutation with its pending flag and last error, for forms. */
export function useMutation<T, V extends Record<string, unknown>>(query: string) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const run = useCallback(
    async (variables: V): Promise<T | undefined> => {
      setPending(true);
      setError(undefined);
      try {
        return await gql<T>(query, variables);
      } catch (err) {
        setError(err instanceof ApiError ? err : new ApiError(String(err), 'INTERNAL_SERVER_ERROR'));
        return undefined;
      } finally {
        setPending(false);
      }
    },
    [query],
  );
  return { run, pending, error, clearError: () => setError(undefined) };
}
