/**
 * Which parts of the API this gateway offers. The UI asks the schema
 * (standard GraphQL introspection) instead of assuming: a gateway running an
 * older or newer version still shows what it can, and says what it cannot.
 */
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import { gql } from '../lib/graphql';

const SCHEMA_FIELDS = `query Capabilities {
  query: __type(name: "Query") { fields { name } }
  mutation: __type(name: "Mutation") { fields { name } }
  subscription: __type(name: "Subscription") { fields { name } }
}`;

export interface Capabilities {
  loaded: boolean;
  /** Whether the schema has this root field (query, mutation or subscription). */
  has(field: string): boolean;
}

type Fields = { fields: { name: string }[] | null } | null;

const CapabilitiesContext = createContext<Capabilities>({ loaded: false, has: () => false });

export function CapabilitiesProvider({ children }: { children: ReactNode }) {
  const [value, setValue] = useState<Capabilities>({ loaded: false, has: () => false });
  useEffect(() => {
    gql<{ query: Fields; mutation: Fields; subscription: Fields }>(SCHEMA_FIELDS, {}, { get: true }).then(
      (data) => {
        const names = new Set(
          [data.query, data.mutation, data.subscription].flatMap((t) => t?.fields?.map((f) => f.name) ?? []),
        );
        setValue({ loaded: true, has: (field) => names.has(field) });
      },
      () => setValue({ loaded: true, has: () => false }),
    );
  }, []);
  return <CapabilitiesContext.Provider value={value}>{children}</CapabilitiesContext.Provider>;
}

export function useCapabilities(): Capabilities {
  return useContext(CapabilitiesContext);
}
