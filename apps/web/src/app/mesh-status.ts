/**
 * The gateway's place in the mesh, for the status bar. Polled every 30 s
 * (it changes slowly; one small request). What a member may see depends on
 * their role, so the status is assembled from what the API offers them:
 *
 * - everyone: which other gateways host the current organisation, and
 *   whether this gateway is connected to them now (admittedGateways); the
 *   region, live connections and the organisation's last sync (connectivity);
 * - the organisation's admins: when it last synced with each (syncStates);
 * - the gateway operator: its region and live connections (meshStatus).
 *
 * Whether the gateway reaches the wider network (beyond its region) is not
 * in the API yet; the status bar says "not reported" rather than guessing.
 */
import { useEffect, useState } from 'react';
import { gql } from '../lib/graphql';
import { useCapabilities } from '../session/capabilities';
import { hasRole, type Org, useSession } from '../session/session';

export interface MeshStatus {
  kind: 'loading' | 'unsupported' | 'ok';
  /** Other gateways hosting the current organisation: how many, and how many are connected now. */
  hosts?: { total: number; connected: number };
  /** Operator only. */
  region?: { name: string; running: boolean; peers: number; relayed: number };
  /** Admins and operator: the newest completed sync of the current organisation with any peer. */
  lastSyncedAt?: string | null;
  /** Whether this viewer may see sync times at all. */
  seesSync: boolean;
}

const POLL_MS = 30_000;

const QUERY = `query MeshStatusBar($orgId: ID!, $syncOrg: ID, $connOrg: ID, $withOrg: Boolean!, $operator: Boolean!, $admin: Boolean!, $member: Boolean!) {
  admittedGateways(orgId: $orgId) @include(if: $withOrg) { peerId connected isThisGateway status }
  connectivity(orgId: $connOrg) @include(if: $member) { region running peersConnected relayedConnections orgLastSyncedAt }
  syncStates(orgId: $syncOrg) @include(if: $admin) { peerId lastSuccessAt }
  meshStatus @include(if: $operator) { region running connections { peerId relayed } }
}`;

interface Answer {
  admittedGateways?: { peerId: string; connected: boolean; isThisGateway: boolean; status: string }[];
  syncStates?: { peerId: string; lastSuccessAt: string | null }[];
  meshStatus?: { region: string; running: boolean; connections: { peerId: string; relayed: boolean }[] };
  connectivity?: {
    region: string;
    running: boolean;
    peersConnected: number;
    relayedConnections: number;
    orgLastSyncedAt: string | null;
  };
}

export function summarise(answer: Answer, admin: boolean): MeshStatus {
  const others = (answer.admittedGateways ?? []).filter((g) => !g.isThisGateway && g.status === 'admitted');
  const synced = (answer.syncStates ?? [])
    .map((s) => s.lastSuccessAt)
    .filter((t): t is string => !!t)
    .sort();
  const mesh = answer.meshStatus;
  const conn = answer.connectivity;
  if (conn?.orgLastSyncedAt) synced.push(conn.orgLastSyncedAt);
  synced.sort();
  const seesSync = admin || !!conn;
  return {
    kind: 'ok',
    seesSync,
    hosts: answer.admittedGateways
      ? { total: others.length, connected: others.filter((g) => g.connected).length }
      : undefined,
    lastSyncedAt: seesSync ? (synced.at(-1) ?? null) : undefined,
    region: mesh
      ? {
          name: mesh.region,
          running: mesh.running,
          peers: new Set(mesh.connections.map((c) => c.peerId)).size,
          relayed: mesh.connections.filter((c) => c.relayed).length,
        }
      : conn
        ? {
            name: conn.region,
            running: conn.running,
            peers: conn.peersConnected,
            relayed: conn.relayedConnections,
          }
        : undefined,
  };
}

export function useMeshStatus(org: Org | undefined): MeshStatus {
  const caps = useCapabilities();
  const { me } = useSession();
  const [status, setStatus] = useState<MeshStatus>({ kind: 'loading', seesSync: false });
  const supported = caps.has('admittedGateways') || caps.has('meshStatus') || caps.has('connectivity');
  const member = !!me && caps.has('connectivity');
  const orgId = org?.rootId ?? null;
  const operator = !!me?.isOperator && caps.has('meshStatus');
  const admin = !!orgId && (operator || hasRole(org?.myRole, 'admin')) && caps.has('syncStates');

  useEffect(() => {
    if (!caps.loaded) return;
    if (!supported) {
      setStatus({ kind: 'unsupported', seesSync: false });
      return;
    }
    let live = true;
    // Another organisation: nothing of the last one's status may show under its name.
    setStatus({ kind: 'loading', seesSync: false });
    const load = async () => {
      try {
        const data = await gql<Answer>(QUERY, {
          orgId: orgId ?? '',
          // The role is the one held where the member is (a department's admin sees its log's sync).
          syncOrg: org?.id ?? null,
          withOrg: !!orgId && caps.has('admittedGateways'),
          connOrg: orgId,
          operator,
          admin,
          member,
        });
        if (live) setStatus(summarise(data, admin));
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
  }, [caps, supported, orgId, org?.id, operator, admin, member]);

  return status;
}
