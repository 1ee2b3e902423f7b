import { afterEach, describe, expect, it, vi } from 'vitest';
import { eventually } from '../testing/replication-suite.js';
import { connectPeers, type Libp2pSuitePeer, startLibp2pPeer } from '../testing/setups.js';
import {
  MAX_INBOUND_STREAMS,
  MAX_OUTBOUND_STREAMS,
  MAX_SERVED_PULLS_PER_PEER,
  SYNC_LIMITS,
  SYNC_PROTOCOL,
} from './constants.js';
import { FramedStream } from './framing.js';
import { parseServerFrame } from './messages.js';

const ORG = 'org-streams';
const LOOPBACK = { listen: ['/ip4/127.0.0.1/tcp/0'] };
/** More exchanges than either end may hold streams open for. */
const PAST_THE_LIMITS = Math.max(MAX_INBOUND_STREAMS, MAX_OUTBOUND_STREAMS) + 2;

/** The sync streams `from` holds open on its connections to `to`. */
function syncStreams(from: Libp2pSuitePeer, to: Libp2pSuitePeer) {
  return from.node
    .getConnections(to.node.peerId)
    .flatMap((c) => c.streams)
    .filter((s) => s.protocol === SYNC_PROTOCOL);
}

describe('sync streams over libp2p', () => {
  const started: Libp2pSuitePeer[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.node.stop()));
  });

  /** A server holding five ops of ORG, and a connected client that does not host ORG yet (so no pull runs on connect). */
  async function pair() {
    const server = await startLibp2pPeer({ peers: 2 }, LOOPBACK);
    const client = await startLibp2pPeer({ peers: 2 }, LOOPBACK);
    started.push(server, client);
    server.peer.store.host(ORG, [client.peer.id]);
    server.peer.store.write(ORG, 5);
    await connectPeers([client, server], 0, 1, server.node.getMultiaddrs());
    await client.peer.sync.whenIdle();
    return { server, client };
  }

  /** The client pulls ORG, which it now hosts, and gets all five ops. */
  async function expectNormalPull(server: Libp2pSuitePeer, client: Libp2pSuitePeer) {
    client.peer.store.host(ORG, [server.peer.id]);
    const result = await client.peer.sync.pull(server.peer.id, ORG);
    expect(result).toMatchObject({ applied: 5, refusedWith: null });
  }

  it('closes the streams of refused pulls on both ends: refusals past the stream limits leave later pulls working', async () => {
    const { server, client } = await pair();
    for (let i = 0; i < PAST_THE_LIMITS; i++) {
      const result = await client.peer.sync.pull(server.peer.id, 'org-not-hosted-there');
      expect(result.refusedWith).toBe('unknown-org');
    }
    await expectNormalPull(server, client);
    await eventually(
      () => syncStreams(client, server).length === 0 && syncStreams(server, client).length === 0,
      5000,
      'no sync streams left open',
    );
  });

  it('aborts the streams of refused requests a client never closes, so they do not keep its stream slots', async () => {
    const { server, client } = await pair();
    // A client that reads the refusal and keeps its end open, up to its own stream limit.
    for (let i = 0; i < MAX_OUTBOUND_STREAMS; i++) {
      const stream = await client.node.dialProtocol(server.node.getMultiaddrs(), SYNC_PROTOCOL, {
        signal: AbortSignal.timeout(5000),
      });
      const framed = new FramedStream(stream, SYNC_LIMITS.maxFrameBytes);
      await framed.write({ t: 'pull', org: 'org-not-hosted-there', vv: {}, win: 1 }, {});
      expect(parseServerFrame(await framed.read({}))).toMatchObject({ t: 'err', code: 'unknown-org' });
    }
    expect(syncStreams(server, client).length).toBeGreaterThan(0);
    await eventually(() => syncStreams(server, client).length === 0, 10_000, 'the server to drop them');
    await eventually(() => syncStreams(client, server).length === 0, 5000, 'the client to see them go');
    await expectNormalPull(server, client);
  });

  it('does not ban a peer whose log admits us to organisations we do not host or admit it to, however often it announces them', async () => {
    const a = await startLibp2pPeer({ peers: 2 }, LOOPBACK);
    const b = await startLibp2pPeer({ peers: 2 }, LOOPBACK);
    started.push(a, b);
    for (const [here, there] of [
      [a, b],
      [b, a],
    ] as const)
      here.peer.store.host('org-shared', [there.peer.id]);
    // a's log admits b to both; b does not host the first, and does not admit a to the second.
    a.peer.store.host('org-not-there', [b.peer.id]);
    a.peer.store.host('org-not-admitted', [b.peer.id]);
    b.peer.store.host('org-not-admitted');
    await connectPeers([a, b], 0, 1, b.node.getMultiaddrs());
    await Promise.all([a.peer.sync.whenIdle(), b.peer.sync.whenIdle()]);
    // As a would after each of 150 commits (it announces once, then waits) and resyncs (it pulls).
    for (let i = 0; i < 150; i++) {
      await a.peer.sync.announce(['org-not-there', 'org-not-admitted']);
      for (const org of ['org-not-there', 'org-not-admitted'])
        expect((await a.peer.sync.pull(b.peer.id, org)).refusedWith).not.toBeNull();
    }
    expect(b.peer.sync.scores.isBanned(a.peer.id)).toBe(false);
    // Each refusal was charged once, however often it was asked again.
    expect(b.peer.sync.scores.score(a.peer.id).offences).toEqual({ 'unknown-org': 1, 'not-admitted': 1 });
    a.peer.store.write('org-shared', 3);
    await eventually(
      () => b.peer.store.opCount('org-shared') === 3,
      5000,
      'the shared organisation to replicate',
    );
  });

  it('pulls many organisations from one peer no more at once than it serves, so none is turned away busy', async () => {
    const a = await startLibp2pPeer({ peers: 2, batchOps: 4 }, LOOPBACK);
    const b = await startLibp2pPeer({ peers: 2, batchOps: 4 }, LOOPBACK);
    started.push(a, b);
    const orgs = Array.from({ length: 3 * MAX_SERVED_PULLS_PER_PEER }, (_, i) => `org-many-${i}`);
    for (const org of orgs) {
      a.peer.store.host(org, [b.peer.id]);
      b.peer.store.host(org, [a.peer.id]);
      a.peer.store.write(org, 40);
    }
    const turnedAway: string[] = [];
    b.peer.sync.observe((e) => {
      if (e.type === 'pulled' && e.result.refusedWith) turnedAway.push(`${e.org}: ${e.result.refusedWith}`);
      if (e.type === 'pull-failed') turnedAway.push(`${e.org}: ${e.error.message}`);
    });
    // b pulls every organisation from a at once on connection.
    await connectPeers([b, a], 0, 1, a.node.getMultiaddrs());
    await eventually(
      () => orgs.every((org) => b.peer.store.opCount(org) === 40),
      10_000,
      'every organisation at b',
    );
    expect(turnedAway).toEqual([]);
  });

  it('forgets the sync state of a peer once it no longer replicates an organisation, and keeps the rest', async () => {
    const { server, client } = await pair();
    await expectNormalPull(server, client);
    server.peer.store.host('org-kept', [client.peer.id]);
    client.peer.store.host('org-kept', [server.peer.id]);
    await client.peer.sync.pull(server.peer.id, 'org-kept');
    const orgsKnown = () =>
      client.peer.sync
        .syncStates({ peer: server.peer.id })
        .map((s) => s.org)
        .sort();
    expect(orgsKnown()).toEqual(['org-kept', ORG]);
    // The client's log revokes the server from ORG.
    client.peer.store.revoke(ORG, server.peer.id);
    await client.peer.sync.forgetStale();
    expect(orgsKnown()).toEqual(['org-kept']);
    // The server still admits the client: what it served stays.
    expect(server.peer.sync.syncStates({ peer: client.peer.id }).map((s) => s.org)).toContain(ORG);
  });

  it('stops announcing an organisation to a peer that refused it until a pull from that peer succeeds', async () => {
    const a = await startLibp2pPeer({ peers: 2 }, LOOPBACK);
    const b = await startLibp2pPeer({ peers: 2 }, LOOPBACK);
    started.push(a, b);
    // a's log admits b, b's does not admit a (yet).
    a.peer.store.host('org-pending', [b.peer.id]);
    b.peer.store.host('org-pending');
    await connectPeers([a, b], 0, 1, b.node.getMultiaddrs());
    await Promise.all([a.peer.sync.whenIdle(), b.peer.sync.whenIdle()]);
    // Each `have` a sends carries its version vector, read for it.
    const haves = vi.spyOn(a.peer.store, 'versionVector');
    for (let i = 0; i < 20; i++) await a.peer.sync.announce(['org-pending']);
    expect(haves).toHaveBeenCalledTimes(1);
    // b's log admits a now: a's next pull from b succeeds, and a announces again.
    b.peer.store.admit('org-pending', a.peer.id);
    await a.peer.sync.pull(b.peer.id, 'org-pending');
    haves.mockClear();
    await a.peer.sync.announce(['org-pending']);
    expect(haves).toHaveBeenCalledTimes(1);
  });
});
