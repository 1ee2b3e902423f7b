import { peerIdFromString } from '@libp2p/peer-id';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateIdentity } from '../identity/gateway-identity.js';
import { InProcessNetwork } from '../testing/in-process-network.js';
import { eventually } from '../testing/replication-suite.js';
import { GroundsWatch } from './grounds-watch.js';
import { MemoryOpStore } from './memory-op-store.js';
import { PeerScores } from './peer-scores.js';
import { GatehouseSync } from './sync-service.js';

const ORG = 'org-grounds';

describe('GroundsWatch', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  /** A watch whose delays are exactly 100 ms, 200 ms, ... (jitter at its middle). */
  function watch() {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const retried: string[] = [];
    const grounds = new GroundsWatch({ baseMs: 100, maxMs: 1000, retry: (peer) => retried.push(peer) });
    return { grounds, retried };
  }

  it('wants a pull from a peer not pulled from since it connected, and not from one whose pull took everything', () => {
    const { grounds } = watch();
    expect(grounds.wants('p', ORG)).toBe(true);
    grounds.settle('p', ORG, 0, grounds.mark(ORG));
    expect(grounds.wants('p', ORG)).toBe(false);
    grounds.forgetPeer('p');
    expect(grounds.wants('p', ORG)).toBe(true);
  });

  it('asks again for refused ops at a commit, no sooner than a delay that doubles while they stay refused', () => {
    vi.useFakeTimers();
    const { grounds, retried } = watch();
    grounds.settle('p', ORG, 3, grounds.mark(ORG));
    // A commit within the delay: the pull waits for the delay's end, once.
    expect(grounds.wants('p', ORG)).toBe(false);
    expect(grounds.wants('p', ORG)).toBe(false);
    vi.advanceTimersByTime(99);
    expect(retried).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(retried).toEqual(['p']);
    // Refused again: 200 ms now; a commit after it is a pull at once.
    grounds.settle('p', ORG, 3, grounds.mark(ORG));
    vi.advanceTimersByTime(199);
    expect(grounds.wants('p', ORG)).toBe(false);
    vi.advanceTimersByTime(1);
    expect(retried).toEqual(['p', 'p']);
    grounds.settle('p', ORG, 3, grounds.mark(ORG));
    vi.advanceTimersByTime(400);
    expect(grounds.wants('p', ORG)).toBe(true);
    // Without a commit nothing is asked for.
    vi.advanceTimersByTime(10_000);
    expect(retried).toEqual(['p', 'p']);
  });

  it('asks again when ops were committed while the refusing pull ran, and not when none were', () => {
    vi.useFakeTimers();
    const { grounds, retried } = watch();
    grounds.settle('quiet', ORG, 1, grounds.mark(ORG));
    const mark = grounds.mark(ORG);
    grounds.committed([ORG]);
    grounds.settle('p', ORG, 1, mark);
    vi.advanceTimersByTime(100);
    expect(retried).toEqual(['p']);
  });

  it('keeps the delay through failed pulls, and marks a peer whose first pull failed as pulled from', () => {
    vi.useFakeTimers();
    const { grounds, retried } = watch();
    grounds.failed('new', ORG);
    expect(grounds.wants('new', ORG)).toBe(false);
    grounds.settle('p', ORG, 1, grounds.mark(ORG));
    grounds.settle('p', ORG, 1, grounds.mark(ORG));
    vi.advanceTimersByTime(50);
    grounds.failed('p', ORG);
    // Still the second delay (200 ms from the last refusing pull), not the first again.
    vi.advanceTimersByTime(100);
    expect(grounds.wants('p', ORG)).toBe(false);
    vi.advanceTimersByTime(49);
    expect(retried).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(retried).toEqual(['p']);
  });

  it('stops asking once a peer goes away, or a pull takes everything', () => {
    vi.useFakeTimers();
    const { grounds, retried } = watch();
    grounds.settle('gone', ORG, 1, grounds.mark(ORG));
    grounds.settle('done', ORG, 1, grounds.mark(ORG));
    expect(grounds.wants('gone', ORG)).toBe(false);
    expect(grounds.wants('done', ORG)).toBe(false);
    grounds.forgetPeer('gone');
    grounds.settle('done', ORG, 0, grounds.mark(ORG));
    vi.advanceTimersByTime(1000);
    expect(retried).toEqual([]);
  });
});

/**
 * Gateways over in-process streams, with no periodic resync: a pull happens
 * on connection, on a peer's announcement, or because of GroundsWatch.
 */
async function gateways(count: number) {
  const network = new InProcessNetwork();
  const peers: { id: string; store: MemoryOpStore; sync: GatehouseSync }[] = [];
  for (let i = 0; i < count; i++) {
    const identity = await generateIdentity();
    const store = new MemoryOpStore(identity);
    const sync = new GatehouseSync(network.components(peerIdFromString(identity.peerId)), {
      store,
      scores: new PeerScores(),
      resyncIntervalMs: 0,
      announceDelayMs: 5,
      retryBaseMs: 200,
    });
    await sync.start();
    peers.push({ id: identity.peerId, store, sync });
  }
  return { network, peers, close: () => Promise.all(peers.map((p) => p.sync.stop())) };
}

/** Waits until `read` has returned the same value for `ms`. */
async function untilSteady(read: () => number, ms: number): Promise<void> {
  let value = read();
  let since = Date.now();
  while (Date.now() - since < ms) {
    await new Promise((r) => setTimeout(r, 20));
    if (read() !== value) [value, since] = [read(), Date.now()];
  }
}

/** Signed ops of ORG by a gateway that is not on the network. */
async function opsOfAnother(count: number) {
  const store = new MemoryOpStore(await generateIdentity());
  store.host(ORG);
  return { author: store.peerId, ops: store.write(ORG, count) };
}

describe('pulls that wait for grounds', () => {
  const open: { close(): Promise<unknown> }[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((n) => n.close()));
  });

  it('pulls from a connected peer once a commit here lets it replicate, though it has nothing new to announce', async () => {
    const net = await gateways(2);
    open.push(net);
    const [a, b] = net.peers;
    const other = await opsOfAnother(1);
    a.store.host(ORG, [b.id, other.author]);
    a.store.write(ORG, 3);
    await a.store.ingest(ORG, other.ops);
    // b hosts ORG but does not hold a's admission yet: on connection it pulls nothing from a.
    b.store.host(ORG, [other.author]);
    await net.network.connect(a.id, b.id);
    await eventually(
      () => a.sync.syncStates({ peer: b.id, org: ORG })[0]?.lastError === 'refused: not-admitted',
      5000,
      "b's refusal of a's pull on connection",
    );
    await Promise.all([a.sync.whenIdle(), b.sync.whenIdle()]);
    expect(b.store.opCount(ORG)).toBe(0);

    // a's admission reaches b (from a third gateway, say) with ops a already holds: a hears
    // b's announcement, finds nothing to take, and so announces nothing back.
    b.store.admit(ORG, a.id);
    await b.store.ingest(ORG, other.ops);
    await eventually(() => b.store.opCount(ORG) === 4, 5000, "b to pull a's own ops");
    expect(b.store.stateHash(ORG)).toBe(a.store.stateHash(ORG));
  });

  it("pulls again ops refused for want of their author's admission once a commit may have brought it", async () => {
    const net = await gateways(2);
    open.push(net);
    const [a, b] = net.peers;
    const waiting = await opsOfAnother(2);
    const admitted = await opsOfAnother(1);
    const grounds = await opsOfAnother(1);
    for (const { store } of [a, b]) store.host(ORG, [a.id, b.id, admitted.author]);
    a.store.admit(ORG, waiting.author);
    await a.store.ingest(ORG, [...waiting.ops, ...admitted.ops]);
    await net.network.connect(a.id, b.id);
    await eventually(() => b.store.refusals.length > 0, 5000, 'the pull on connection');
    // That pull's own commit (the admitted author's op) is asked again for once, after a delay:
    // let it pass, so that what follows can only come from the commit below.
    await untilSteady(() => b.store.refusals.length, 600);
    await Promise.all([a.sync.whenIdle(), b.sync.whenIdle()]);
    // b refused the waiting author's ops, without fault of a.
    expect(new Set(b.store.refusals.map((r) => r.reason))).toEqual(new Set(['not-admitted']));
    expect(b.store.opCount(ORG)).toBe(1);
    expect(b.sync.scores.score(a.id).points).toBe(0);

    // The admission reaches b from elsewhere, with an op a already holds (stored there
    // unannounced): a takes nothing from b's announcement, and so announces nothing back.
    a.store.forceStore(grounds.ops);
    b.store.admit(ORG, waiting.author);
    b.store.admit(ORG, grounds.author);
    await b.store.ingest(ORG, grounds.ops);
    await eventually(() => b.store.opCount(ORG) === 4, 5000, 'b to pull the waiting ops again');
    expect(b.store.stateHash(ORG)).toBe(a.store.stateHash(ORG));
  });
});
