import { describe, expect, it } from 'vitest';
import { summarise } from './mesh-status';

describe('status bar summary', () => {
  it('counts the other admitted gateways of the organisation and the newest sync', () => {
    const status = summarise(
      {
        admittedGateways: [
          { peerId: 'me', connected: false, isThisGateway: true, status: 'admitted' },
          { peerId: 'b', connected: true, isThisGateway: false, status: 'admitted' },
          { peerId: 'c', connected: false, isThisGateway: false, status: 'admitted' },
          { peerId: 'd', connected: true, isThisGateway: false, status: 'revoked' },
        ],
        syncStates: [
          { peerId: 'b', lastSuccessAt: '2026-01-02T10:00:00.000Z' },
          { peerId: 'c', lastSuccessAt: '2026-01-03T09:00:00.000Z' },
          { peerId: 'e', lastSuccessAt: null },
        ],
        meshStatus: {
          region: 'lake',
          running: true,
          connections: [
            { peerId: 'b', relayed: false },
            { peerId: 'b', relayed: true },
            { peerId: 'x', relayed: true },
          ],
        },
      },
      true,
    );
    expect(status.hosts).toEqual({ total: 2, connected: 1 });
    expect(status.lastSyncedAt).toBe('2026-01-03T09:00:00.000Z');
    expect(status.region).toEqual({ name: 'lake', running: true, peers: 2, relayed: 2 });
  });

  it('gives every member the region and the organisation’s last sync from connectivity', () => {
    const status = summarise(
      {
        admittedGateways: [],
        connectivity: {
          region: 'lake',
          running: true,
          peersConnected: 3,
          relayedConnections: 1,
          orgLastSyncedAt: '2026-02-01T08:00:00.000Z',
        },
      },
      false,
    );
    expect(status.region).toEqual({ name: 'lake', running: true, peers: 3, relayed: 1 });
    expect(status.lastSyncedAt).toBe('2026-02-01T08:00:00.000Z');
    expect(status.seesSync).toBe(true);
  });

  it('shows members no sync time they may not read', () => {
    const status = summarise({ admittedGateways: [] }, false);
    expect(status.hosts).toEqual({ total: 0, connected: 0 });
    expect(status.lastSyncedAt).toBeUndefined();
    expect(status.region).toBeUndefined();
  });
});
