/**
 * The gateway's place in the mesh, for the status bar. Polled, not
 * subscribed: it changes slowly and a poll every 30 s costs one small request.
 * Until the gateway offers the mesh status API, the status bar says so.
 */
import { useEffect, useState } from 'react';
import { gql } from '../lib/graphql';
import { useCapabilities } from '../session/capabilities';
import type { Org } from '../session/session';

export type MeshStatus =
  | { kind: 'loading' }
  | { kind: 'unsupported' }
  | {
      kind: 'ok';
      region: { name: string; connected: boolean; peers?: number };
      network: { connected: boolean | null };
      lastSyncedAt: string | null;
    };

const POLL_MS = 30_000;

export function useMeshStatus(org: Org | undefined): MeshStatus {
  const caps = useCapabilities();
  const [status, setStatus] = useState<MeshStatus>({ kind: 'loading' });
  const supported = caps.has('meshStatus');
  const orgId = org?.rootId ?? null;

  useEffect(() => {
    if (!caps.loaded) return;
    if (!supported) {
      setStatus({ kind: 'unsupported' });
      return;
    }
    let live = true;
    const load = async () => {
      try {
        const data = await gql<{
          meshStatus: {
            region: string;
            regionConnected: boolean;
            regionPeers: number;
            networkConnected: boolean | null;
          };
          orgSync?: { lastSyncedAt: string | null } | null;
        }>(
          `query MeshStatus($orgId: ID!, $withOrg: Boolean!) {
            meshStatus { region regionConnected regionPeers networkConnected }
            orgSync: orgSyncStatus(orgId: $orgId) @include(if: $withOrg) { lastSyncedAt }
          }`,
          { orgId: orgId ?? '', withOrg: !!orgId },
        );
        if (!live) return;
        setStatus({
          kind: 'ok',
          region: {
            name: data.meshStatus.region,
            connected: data.meshStatus.regionConnected,
            peers: data.meshStatus.regionPeers,
          },
          network: { connected: data.meshStatus.networkConnected },
          lastSyncedAt: data.orgSync?.lastSyncedAt ?? null,
        });
      } catch {
        // Keep the last known status; the gateway indicator already says if it is unreachable.
      }
    };
    void load();
    const timer = window.setInterval(load, POLL_MS);
    return () => {
      live = false;
      window.clearInterval(timer);
    };
  }, [caps.loaded, supported, orgId]);

  return status;
}
