/**
 * Starting and stopping a gateway's mesh: a stop asked for while a start is
 * under way (a shutdown during start-up, an operator's restart) must leave
 * no node running behind the gateway's back.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeshNodeService } from '../../apps/gateway/src/mesh/node/mesh-node.service.js';
import { type MeshGateway, startMeshGateway, stopAll } from './support/mesh-fixture.js';

describe('mesh start and stop', () => {
  let gw: MeshGateway;
  beforeAll(async () => {
    gw = await startMeshGateway('lifecycle');
  }, 60_000);
  afterAll(() => stopAll([gw]), 60_000);

  it('takes starts and stops in the order asked, however they overlap', async () => {
    const mesh = gw.gateway.app.get(MeshNodeService);
    expect(mesh.running).toBe(true);
    const first = mesh.libp2p;
    // Neither awaited before the next: a restart, then a shutdown while it is under way.
    const steps = [mesh.stop(), mesh.start(), mesh.stop()];
    await Promise.all(steps);
    expect(mesh.running).toBe(false);
    expect(first?.status).toBe('stopped');
    // And back, for whatever runs after.
    await Promise.all([mesh.start(), mesh.start()]);
    expect(mesh.running).toBe(true);
    expect(mesh.libp2p?.status).toBe('started');
  });
});
