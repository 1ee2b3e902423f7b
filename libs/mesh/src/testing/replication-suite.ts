/**
 * The replication properties every path a sync can take must have, written
 * once (automerge-repo's shared adapter suite is the model): converge,
 * deliver live, resume, apply once, reject forged and unauthorised input,
 * survive garbage. A setup builds N gateways with MemoryOpStores and sync
 * services over one transport (in-process streams, TCP on loopback, ...).
 */
import type { Stream } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { lpStream } from '@libp2p/utils';
import { encode } from 'cborg';
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalDecode, canonicalEncode } from '../oplog/canonical.js';
import { verifyOpSignature } from '../oplog/chain.js';
import { hashBytes, isNoSignature } from '../oplog/op.js';
import { MemoryOpStore } from '../sync/memory-op-store.js';
import { parseServerFrame, type ServerFrame } from '../sync/messages.js';
import type { StoredOp } from '../sync/op-store.js';
import type { SyncService } from '../sync/types.js';

export interface SuitePeer {
  readonly id: string;
  readonly store: MemoryOpStore;
  readonly sync: SyncService;
}

export interface SuiteNetwork {
  readonly peers: readonly SuitePeer[];
  connect(a: number, b: number): Promise<void>;
  disconnect(a: number, b: number): Promise<void>;
  /** A stream from peer `from` to peer `to` on the sync protocol, to send it anything at all. */
  rawStream(from: number, to: number): Promise<Stream>;
  close(): Promise<void>;
}

export interface SuiteOptions {
  readonly peers: number;
  /** Ops per batch the servers send (small batches make cut transfers easy to provoke). */
  readonly batchOps?: number;
}

export type SuiteSetup = (options: SuiteOptions) => Promise<SuiteNetwork>;

export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const ORG = 'org-suite';

function hostAll(net: SuiteNetwork, org = ORG, among = net.peers): void {
  const ids = among.map((p) => p.id);
  for (const p of among) p.store.host(org, ids);
}

function sameEverywhere(peers: readonly SuitePeer[], org = ORG, count?: number): boolean {
  const hash = peers[0].store.stateHash(org);
  return peers.every(
    (p) => p.store.stateHash(org) === hash && (count === undefined || p.store.opCount(org) === count),
  );
}

/** A copy of `op` with another payload, keeping its old signature: what a forger without the key can make. */
function withChangedPayload<T extends Pick<StoredOp, 'bytes'>>(op: T): T {
  const body = canonicalDecode(op.bytes) as Record<string, unknown>;
  const bytes = canonicalEncode({ ...body, payload: { forged: true } });
  return { ...op, bytes };
}

async function sendRaw(stream: Stream, payload: Uint8Array): Promise<ServerFrame | null> {
  const lp = lpStream(stream, { maxDataLength: 4 * 1024 * 1024 });
  try {
    await lp.write(payload, { signal: AbortSignal.timeout(3000) });
    return parseServerFrame((await lp.read({ signal: AbortSignal.timeout(3000) })).subarray());
  } catch {
    return null;
  } finally {
    stream.abort(new Error('done'));
  }
}

export function runReplicationSuite(name: string, setup: SuiteSetup): void {
  describe(`replication over ${name}`, () => {
    let net: SuiteNetwork | null = null;
    afterEach(async () => {
      await net?.close();
      net = null;
    });

    it('converges: ops written on every gateway reach every gateway, also through a gateway in the middle', async () => {
      net = await setup({ peers: 3 });
      const [a, b, c] = net.peers;
      hostAll(net);
      a.store.write(ORG, 60);
      c.store.write(ORG, 40);
      await net.connect(0, 1);
      await net.connect(1, 2);
      b.store.write(ORG, 25);
      await eventually(() => sameEverywhere(net!.peers, ORG, 125), 15_000, 'convergence');
      expect(a.store.ops(ORG).map((o) => o.id)).toEqual(c.store.ops(ORG).map((o) => o.id));
    });

    it('delivers a new local op to a connected peer within a second', async () => {
      net = await setup({ peers: 2 });
      const [a, b] = net.peers;
      hostAll(net);
      await net.connect(0, 1);
      await a.sync.whenIdle();
      await b.sync.whenIdle();
      const started = performance.now();
      const [op] = a.store.write(ORG, 1);
      await eventually(() => b.store.ops(ORG).some((o) => o.id === op.id), 1000, 'live delivery');
      expect(performance.now() - started).toBeLessThan(1000);
    });

    it('answers "nothing to do" in one round trip, whatever the size of the log', async () => {
      net = await setup({ peers: 2 });
      const [a, b] = net.peers;
      hostAll(net);
      a.store.write(ORG, 3000);
      await net.connect(0, 1);
      await eventually(() => b.store.opCount(ORG) === 3000, 20_000, 'initial sync');
      await b.sync.whenIdle();
      const result = await b.sync.pull(a.id, ORG);
      // One request, one `end` reply: no batches, nothing applied.
      expect(result).toMatchObject({ applied: 0, batches: 0, duplicates: 0, refusedWith: null });
      expect(result.theirs).toEqual(await a.store.versionVector(ORG));
    });

    it('resumes after a dropped connection without resending what arrived', async () => {
      net = await setup({ peers: 2, batchOps: 50 });
      const [a, b] = net.peers;
      hostAll(net);
      a.store.write(ORG, 2000);
      // Slow enough that the link drops mid-transfer even when the machine is busy.
      b.store.ingestDelayMs = 30;
      await net.connect(0, 1);
      await eventually(() => b.store.opCount(ORG) >= 300, 20_000, 'part of the transfer');
      await net.disconnect(0, 1);
      await b.sync.whenIdle(); // a batch being applied when the link went still commits
      const got = b.store.opCount(ORG);
      expect(got).toBeLessThan(2000);
      expect(got % 50).toBe(0); // whole batches only: each batch applies in one transaction
      b.store.ingestDelayMs = 0;
      const resumed: number[] = [];
      b.sync.observe((e) => {
        if (e.type === 'pulled' && e.peer === a.id) resumed.push(e.result.applied + e.result.duplicates);
      });
      await net.connect(0, 1);
      await eventually(() => b.store.opCount(ORG) === 2000, 20_000, 'resumed transfer');
      await b.sync.whenIdle();
      // The second transfer carried exactly what was missing, and nothing was applied twice.
      expect(resumed.reduce((x, y) => x + y, 0)).toBe(2000 - got);
      expect([...b.store.applications.values()].every((n) => n === 1)).toBe(true);
      expect(sameEverywhere(net.peers, ORG, 2000)).toBe(true);
    }, 60_000); // over a real network, the far end of a cut connection ends only by timeouts

    it('tries a failed pull again soon, without a new announcement or a resync', async () => {
      net = await setup({ peers: 2 });
      const [a, b] = net.peers;
      hostAll(net);
      await net.connect(0, 1);
      await b.sync.whenIdle();
      // The receiving store fails twice (a full disk, a locked file), then recovers.
      let failures = 2;
      const ingest = b.store.ingest.bind(b.store);
      b.store.ingest = async (org, ops) => {
        if (failures > 0) {
          failures -= 1;
          throw new Error('disk I/O error');
        }
        return ingest(org, ops);
      };
      const failed: string[] = [];
      b.sync.observe((e) => {
        if (e.type === 'pull-failed') failed.push(e.error.message);
      });
      a.store.write(ORG, 30); // announced once; the suite's setups have no periodic resync
      await eventually(() => b.store.opCount(ORG) === 30, 10_000, 'delivery after retries');
      expect(failed).toEqual(['disk I/O error', 'disk I/O error']);
      expect(sameEverywhere(net.peers, ORG, 30)).toBe(true);
    });

    it('applies every op exactly once under concurrent pulls and duplicated deliveries', async () => {
      net = await setup({ peers: 3, batchOps: 20 });
      const [a, b, c] = net.peers;
      hostAll(net);
      const written = a.store.write(ORG, 500);
      await net.connect(0, 1);
      await net.connect(0, 2);
      await net.connect(1, 2);
      // Everyone pulls from everyone at once, twice over.
      await Promise.all(
        [0, 1].flatMap(() => [
          b.sync.syncAll(),
          c.sync.syncAll(),
          b.sync.requestPull(c.id, ORG),
          c.sync.requestPull(b.id, ORG),
        ]),
      );
      // The same ops delivered again, shuffled, straight into the store.
      const shuffled = [...written].sort(() => Math.random() - 0.5);
      const again = await c.store.ingest(ORG, shuffled);
      await eventually(() => sameEverywhere(net!.peers, ORG, 500), 15_000, 'convergence');
      expect(again.applied).toBe(0);
      for (const p of [b, c]) expect([...p.store.applications.values()].every((n) => n === 1)).toBe(true);
    });

    it('rejects forged ops, stores nothing from them and penalises the sender', async () => {
      net = await setup({ peers: 2 });
      const [a, b] = net.peers;
      hostAll(net);
      a.store.write(ORG, 10);
      // A bad signature on the newest op of the run: the one signature checked.
      a.store.tamper = (ops) =>
        ops.map((op) => (op.seq === 10 ? { ...op, sig: new Uint8Array(64).fill(7) } : op));
      await net.connect(0, 1);
      await expect(b.sync.pull(a.id, ORG)).rejects.toThrow(/refused|forged/);
      expect(b.store.opCount(ORG)).toBe(0);
      expect(b.sync.scores.score(a.id).offences.forged).toBeGreaterThanOrEqual(1);
      // A changed payload under the old signature, in the middle of the run: the chain breaks.
      a.store.tamper = (ops) => ops.map((op) => (op.seq === 4 ? withChangedPayload(op) : op));
      await expect(b.sync.pull(a.id, ORG)).rejects.toThrow();
      expect(b.store.opCount(ORG)).toBe(0);
      expect(b.sync.scores.score(a.id).offences.forged ?? 0).toBeGreaterThanOrEqual(2);
    });

    it('relays a run whose older signatures were garbage, and is not blamed for them', async () => {
      net = await setup({ peers: 3, batchOps: 10 });
      const [a, b, c] = net.peers;
      hostAll(net);
      const ops = a.store.write(ORG, 25);
      // a is hostile: it keeps the signatures b checks (the newest of each batch it sends) and garbles the rest.
      const garbage = new Uint8Array(64).fill(0xab);
      a.store.tamper = (stored) =>
        stored.map((op) => (op.seq % 10 === 0 || op.seq === 25 ? op : { ...op, sig: garbage }));
      // c already holds the first three ops, so b cuts its batches for c elsewhere than a cut them for b.
      await c.store.ingest(ORG, ops.slice(0, 3));
      await net.connect(0, 1);
      await eventually(() => b.store.opCount(ORG) === 25, 10_000, 'b to receive the run');
      expect(b.sync.scores.score(a.id).offences).toEqual({});
      await net.connect(1, 2);
      await eventually(() => sameEverywhere(net!.peers, ORG, 25), 10_000, 'c to receive it from b');
      await b.sync.whenIdle();
      await c.sync.whenIdle();
      expect(c.store.refusals).toEqual([]);
      expect(c.sync.scores.score(b.id).offences).toEqual({});
      // The garbage stopped at b: c holds real signatures, or the placeholder for ones b had not checked.
      for (const op of c.store.ops(ORG)) {
        expect(Buffer.from(op.sig).equals(Buffer.from(garbage))).toBe(false);
        expect(isNoSignature(op.sig) || verifyOpSignature(op)).toBe(true);
      }
    });

    it("refuses the other branch of an author's fork without blaming the honest gateway that relays it", async () => {
      net = await setup({ peers: 3 });
      const [a, b, c] = net.peers;
      hostAll(net);
      const told = a.store.write(ORG, 3);
      await net.connect(0, 1);
      await eventually(() => b.store.opCount(ORG) === 3, 10_000, 'first branch');
      // a signs another chain for the same places and tells it to c, which holds it in good faith.
      const twin = new MemoryOpStore(a.store.identity);
      c.store.forceStore(twin.write(ORG, 4, (i) => ({ other: i })));
      const own = c.store.write(ORG, 2);
      const penalties: string[] = [];
      b.sync.observe((e) => {
        if (e.type === 'penalty') penalties.push(e.offence);
      });
      await net.connect(1, 2);
      await eventually(
        () => own.every((op) => b.store.ops(ORG).some((o) => o.id === op.id)),
        10_000,
        "c's ops",
      );
      // The other branch (its 4th op, past b's vector) can never be taken: no commit here is
      // grounds for pulling it again.
      expect(await b.sync.pull(c.id, ORG)).toMatchObject({ refused: 1, waiting: 0 });
      expect(penalties).toEqual([]);
      expect(b.sync.scores.score(c.id).offences).toEqual({});
      // b keeps the branch it had.
      expect(
        b.store
          .ops(ORG)
          .filter((o) => o.author === a.id)
          .map((o) => o.id),
      ).toEqual(told.map((o) => o.id));
    });

    it('penalises an author that serves a branch of its own chain other than the one held', async () => {
      net = await setup({ peers: 2 });
      const [a, b] = net.peers;
      hostAll(net);
      // b holds one branch of a's chain (from elsewhere); a serves another.
      b.store.forceStore(new MemoryOpStore(a.store.identity).write(ORG, 3, (i) => ({ other: i })));
      a.store.write(ORG, 4);
      await net.connect(0, 1);
      await b.sync.whenIdle();
      await b.sync.requestPull(a.id, ORG);
      expect(b.sync.scores.score(a.id).offences.forged).toBeGreaterThanOrEqual(1);
      expect(b.store.opCount(ORG)).toBe(3);
    });

    it('refuses a replayed op whose payload was changed after the original arrived', async () => {
      net = await setup({ peers: 2 });
      const [a, b] = net.peers;
      hostAll(net);
      const ops = a.store.write(ORG, 5);
      await net.connect(0, 1);
      await eventually(() => b.store.opCount(ORG) === 5, 10_000, 'sync');
      const before = b.store.stateHash(ORG);
      const changed = withChangedPayload(ops[2]);
      const forged = { ...ops[2], ...changed, id: hashBytes(changed.bytes), payload: { forged: true } };
      const outcome = await b.store.ingest(ORG, [forged]);
      expect(outcome.applied).toBe(0);
      expect(outcome.rejected[0].reason).toBe('fork');
      expect(b.store.stateHash(ORG)).toBe(before);
    });

    it('refuses a gateway that is not admitted, directly and through an admitted one', async () => {
      net = await setup({ peers: 3 });
      const [a, b, c] = net.peers;
      hostAll(net, ORG, [a, b]);
      // c holds a valid key and thinks it belongs; nobody admitted it.
      c.store.host(ORG, [a.id, b.id]);
      const intruding = c.store.write(ORG, 5);
      await net.connect(1, 2);
      await b.sync.whenIdle();
      const result = await c.sync.pull(b.id, ORG);
      expect(result.refusedWith).toBe('not-admitted');
      await b.sync.syncPeer(c.id); // b never pulls from c: c may not replicate
      expect(b.store.opCount(ORG)).toBe(0);
      // a is compromised and stored c's ops without checking; b still refuses them.
      a.store.forceStore(intruding);
      await net.connect(0, 1);
      await eventually(() => b.store.refusals.some((r) => r.reason === 'not-admitted'), 10_000, 'refusal');
      await b.sync.whenIdle();
      expect(b.store.opCount(ORG)).toBe(0);
      // Authority refusals are not the forwarder's fault: a may know something b does not yet.
      expect(b.sync.scores.score(a.id).offences.forged).toBeUndefined();
      // And they may be lifted: the ops wait for grounds (see GroundsWatch).
      expect(await b.sync.pull(a.id, ORG)).toMatchObject({ refused: 5, waiting: 5 });
    });

    it('admits a gateway by a one-time invite, then replicates to it', async () => {
      net = await setup({ peers: 3 });
      const [a, b, c] = net.peers;
      a.store.host(ORG);
      a.store.write(ORG, 20);
      const invite = a.store.createInvite(ORG);
      await net.connect(0, 1);
      await net.connect(0, 2);
      const inviter = await b.sync.join(peerIdFromString(a.id), { org: ORG, ...invite });
      expect(inviter.toString()).toBe(a.id);
      b.store.host(ORG, [a.id]);
      await b.sync.requestPull(a.id, ORG);
      expect(b.store.opCount(ORG)).toBe(20);
      // The secret works once.
      await expect(c.sync.join(peerIdFromString(a.id), { org: ORG, ...invite })).rejects.toThrow(
        /invalid-invite|invite/,
      );
      expect(await a.store.mayReplicate(ORG, c.id)).toBe(false);
    });

    it('answers malformed and oversized input with an error, stays up, and bans a repeat offender', async () => {
      net = await setup({ peers: 2 });
      const [a, b] = net.peers;
      hostAll(net);
      a.store.write(ORG, 3);
      await net.connect(0, 1);
      await eventually(() => b.store.opCount(ORG) === 3, 10_000, 'sync');
      const before = a.store.stateHash(ORG);
      const garbage = [
        new Uint8Array([0xff, 0x00, 0x13]),
        encode({ t: 'pull', org: ORG, vv: { x: -1 }, win: 1 }),
        encode({ t: 'pull', org: ORG, vv: {}, win: 99 }),
        encode({ t: 'pull', org: ORG, vv: {}, win: 1, extra: true }),
        encode({ t: 'nope' }),
        encode([1, 2, 3]),
      ];
      const replies: (ServerFrame | null)[] = [];
      for (const bytes of garbage) replies.push(await sendRaw(await net.rawStream(1, 0), bytes));
      expect(replies.filter((r) => r?.t === 'err' && r.code === 'malformed').length).toBeGreaterThanOrEqual(
        4,
      );
      await eventually(() => a.sync.scores.isBanned(b.id), 5000, 'ban');
      expect(a.store.stateHash(ORG)).toBe(before);
      // Banned: a no longer serves b.
      await expect(b.sync.pull(a.id, ORG)).rejects.toThrow();
    });

    it('refuses an oversized frame before reading it', async () => {
      net = await setup({ peers: 2 });
      const [a] = net.peers;
      hostAll(net);
      await net.connect(0, 1);
      const stream = await net.rawStream(1, 0);
      // A length prefix announcing 64 MiB, then a little data.
      const prefix = new Uint8Array([0x80, 0x80, 0x80, 0x20]);
      stream.send(prefix);
      stream.send(new Uint8Array(1024));
      const reply = await readOneFrame(stream);
      expect(reply).toMatchObject({ t: 'err', code: 'too-large' });
      expect(a.sync.scores.score(net.peers[1].id).offences['too-large']).toBe(1);
    });
  });
}

async function readOneFrame(stream: Stream): Promise<ServerFrame | null> {
  const lp = lpStream(stream);
  try {
    return parseServerFrame((await lp.read({ signal: AbortSignal.timeout(3000) })).subarray());
  } catch {
    return null;
  } finally {
    stream.abort(new Error('done'));
  }
}
