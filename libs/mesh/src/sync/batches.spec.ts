/**
 * What a gateway serves of ops it received: a receiver checks one signature
 * per run (the newest op's), so the other signatures it stored are unchecked.
 * Whatever the batch boundaries, what it serves on must verify at the next
 * gateway, and must not carry those unchecked signatures.
 */
import { randomBytes } from 'node:crypto';
import { peerIdFromString } from '@libp2p/peer-id';
import { lpStream } from '@libp2p/utils';
import { afterEach, describe, expect, it } from 'vitest';
import { type GatewayIdentity, generateIdentity } from '../identity/gateway-identity.js';
import { verifyOpSignature, verifyRun } from '../oplog/chain.js';
import { encodeHlc } from '../oplog/hlc.js';
import { decodeOp, isNoSignature, type Op, signOp } from '../oplog/op.js';
import type { VersionVector } from '../oplog/version-vector.js';
import { InProcessNetwork } from '../testing/in-process-network.js';
import { eventually } from '../testing/replication-suite.js';
import { verifiedBatches } from './batches.js';
import { SYNC_LIMITS, SYNC_PROTOCOL } from './constants.js';
import { MemoryOpStore } from './memory-op-store.js';
import { encodeMessage, parseServerFrame, type WireOp } from './messages.js';
import { PeerScores } from './peer-scores.js';
import { GatehouseSync } from './sync-service.js';

const ORG = 'org-batches';
const BASE = Date.UTC(2030, 0, 1);

/** A chain of `n` ops by `author`, the i-th stamped at `wall(i)`; `size` pads each payload. */
function chain(author: GatewayIdentity, n: number, wall: (i: number) => number, size = 0): Op[] {
  const out: Op[] = [];
  for (let i = 0; i < n; i++) {
    const prev = out[i - 1];
    out.push(
      signOp(author, {
        v: 1,
        org: ORG,
        author: author.peerId,
        seq: i + 1,
        prev: prev?.id ?? null,
        hlc: encodeHlc({ wall: wall(i), counter: 0 }),
        actor: null,
        kind: 'test.write',
        entity: `e${i % 3}`,
        payload: { i, pad: 'x'.repeat(size) },
      }),
    );
  }
  return out;
}

/** What a hostile peer sends: every signature but the newest replaced by garbage. */
function garbled(run: readonly Op[]): Op[] {
  return run.map((op, i) => (i === run.length - 1 ? op : { ...op, sig: new Uint8Array(randomBytes(64)) }));
}

interface Checked {
  readonly batches: number;
  readonly sizes: number[];
  /** author -> seq of the newest op received. */
  readonly tips: Map<string, { seq: number; id: string }>;
}

/**
 * Checks batches as a receiver would, one after the other: each author's run
 * continues from the tip and verifies (verifyRun), each batch is within the
 * protocol's limits, and every signature sent is either valid or NO_SIGNATURE.
 */
function checkBatches(
  batches: readonly (readonly WireOp[])[],
  from: Map<string, { seq: number; id: string }>,
  unchecked: ReadonlySet<string>,
): Checked {
  const tips = new Map(from);
  const sizes: number[] = [];
  for (const batch of batches) {
    expect(batch.length).toBeGreaterThan(0);
    expect(batch.length).toBeLessThanOrEqual(SYNC_LIMITS.maxBatchOps);
    expect(encodeMessage({ t: 'ops', ops: batch }).byteLength).toBeLessThanOrEqual(SYNC_LIMITS.maxFrameBytes);
    sizes.push(batch.length);
    const runs = new Map<string, Op[]>();
    for (const [body, sig] of batch) {
      const op = decodeOp(body, sig);
      // Never the garbage it received: a real signature, or the placeholder.
      expect(unchecked.has(Buffer.from(sig).toString('hex'))).toBe(false);
      expect(isNoSignature(op.sig) || verifyOpSignature(op)).toBe(true);
      runs.set(op.author, [...(runs.get(op.author) ?? []), op]);
    }
    for (const [author, run] of runs) {
      expect(verifyRun(run, tips.get(author) ?? null)).toEqual({ ok: true });
      const last = run[run.length - 1];
      tips.set(author, { seq: last.seq, id: last.id });
    }
  }
  return { batches: batches.length, sizes, tips };
}

async function collect(gen: AsyncGenerator<WireOp[]>): Promise<WireOp[][]> {
  const out: WireOp[][] = [];
  for await (const batch of gen) out.push(batch);
  return out;
}

const sigHex = (ops: readonly Op[]) => new Set(ops.map((op) => Buffer.from(op.sig).toString('hex')));
const tipsOf = (vv: VersionVector, ...chains: Op[][]) =>
  new Map(
    chains.flatMap((c) => {
      const seq = vv[c[0].author] ?? 0;
      return seq ? [[c[0].author, { seq, id: c[seq - 1].id }] as const] : [];
    }),
  );

/** Gateways with their own batch sizes over in-process streams, admitted to ORG along with `authors`. */
async function gateways(batchOps: readonly number[], authors: readonly string[]) {
  const network = new InProcessNetwork();
  const peers: { id: string; store: MemoryOpStore; sync: GatehouseSync }[] = [];
  for (const ops of batchOps) {
    const identity = await generateIdentity();
    const store = new MemoryOpStore(identity);
    const sync = new GatehouseSync(network.components(peerIdFromString(identity.peerId)), {
      store,
      scores: new PeerScores(),
      batchOps: ops,
      resyncIntervalMs: 0,
      announceDelayMs: 5,
    });
    await sync.start();
    peers.push({ id: identity.peerId, store, sync });
  }
  for (const p of peers) p.store.host(ORG, [...authors, ...peers.map((q) => q.id)]);
  return {
    network,
    peers,
    close: async () => {
      for (const p of peers) await p.sync.stop();
    },
  };
}

/** Pulls ORG from `server` over a raw stream and returns the batches exactly as sent. */
async function pullRaw(network: InProcessNetwork, client: string, server: string, vv: VersionVector) {
  const lp = lpStream(await network.rawStream(client, server, SYNC_PROTOCOL), {
    maxDataLength: SYNC_LIMITS.maxFrameBytes,
  });
  const signal = () => AbortSignal.timeout(5000);
  await lp.write(encodeMessage({ t: 'pull', org: ORG, vv, win: 1 }), { signal: signal() });
  const batches: WireOp[][] = [];
  for (;;) {
    const frame = parseServerFrame((await lp.read({ signal: signal() })).subarray());
    if (frame.t === 'end') return batches;
    if (frame.t !== 'ops') throw new Error(`unexpected ${frame.t}: ${JSON.stringify(frame)}`);
    batches.push([...frame.ops]);
    await lp.write(encodeMessage({ t: 'ack' }), { signal: signal() });
  }
}

describe('serving ops whose signatures were not all verified', () => {
  let close: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await close?.();
    close = null;
  });

  it.each([1, 2, 3, 5, 8, 13, 39, 40, 64])(
    'a run received with garbage in all but its newest signature is served so that each batch verifies (batches of %i)',
    async (batchOps) => {
      const x = await generateIdentity();
      const y = await generateIdentity();
      const net = await gateways([batchOps, batchOps], [x.peerId, y.peerId]);
      close = net.close;
      const [b, c] = net.peers;
      // x's run and y's honest ops alternate in time; y's arrive in runs of 4.
      const xs = chain(x, 40, (i) => BASE + 2 * i);
      const ys = chain(y, 30, (i) => BASE + 3 * i + 1);
      const bad = garbled(xs);
      expect(await b.store.ingest(ORG, bad)).toMatchObject({ applied: 40, rejected: [] });
      for (let i = 0; i < ys.length; i += 4) await b.store.ingest(ORG, ys.slice(i, i + 4));
      // Held, but only the signature that was checked counts as verified.
      expect(xs.filter((op) => b.store.sigVerified(op.id)).map((op) => op.seq)).toEqual([40]);
      const unchecked = sigHex(bad.slice(0, -1));

      // Through the real client first: c applies every batch, and b is not blamed for anything.
      net.network.connect(b.id, c.id);
      await eventually(() => c.store.opCount(ORG) === 70, 10_000, 'c to hold the ops');
      await c.sync.whenIdle();
      await b.sync.whenIdle();
      expect(c.store.stateHash(ORG)).toBe(b.store.stateHash(ORG));
      expect(c.store.refusals).toEqual([]);
      expect(c.sync.scores.score(b.id).offences).toEqual({});
      // Then the batches exactly as b sends them, from several starting points.
      const starts: VersionVector[] = [
        {},
        { [x.peerId]: 1 },
        { [x.peerId]: 17, [y.peerId]: 5 },
        { [x.peerId]: 38, [y.peerId]: 29 },
        { [y.peerId]: 30 },
      ];
      for (const start of starts) {
        const batches = await pullRaw(net.network, c.id, b.id, start);
        const checked = checkBatches(batches, tipsOf(start, xs, ys), unchecked);
        expect(checked.tips.get(x.peerId)).toEqual({ seq: 40, id: xs[39].id });
        expect(checked.tips.get(y.peerId)).toEqual({ seq: 30, id: ys[29].id });
      }
    },
  );

  it('relays such a run on through gateways with other batch sizes and other starting points', async () => {
    const x = await generateIdentity();
    const net = await gateways([7, 3, 11, 5], [x.peerId]);
    close = net.close;
    const [b, c, d, e] = net.peers;
    const xs = chain(x, 60, (i) => BASE + i);
    expect(await b.store.ingest(ORG, garbled(xs))).toMatchObject({ applied: 60 });
    // Each downstream gateway already holds a different prefix, so no two hops cut the run alike.
    await d.store.ingest(ORG, xs.slice(0, 4));
    await e.store.ingest(ORG, xs.slice(0, 9));
    net.network.connect(b.id, c.id);
    net.network.connect(c.id, d.id);
    net.network.connect(d.id, e.id);
    await eventually(() => net.peers.every((p) => p.store.opCount(ORG) === 60), 10_000, 'relay');
    for (const p of net.peers) await p.sync.whenIdle();
    for (const [server, client] of [
      [b, c],
      [c, d],
      [d, e],
    ]) {
      expect(client.store.refusals).toEqual([]);
      expect(client.sync.scores.score(server.id).offences).toEqual({});
    }
    // What e holds is as trustworthy as what it was sent: real signatures or the placeholder.
    for (const op of e.store.ops(ORG)) expect(isNoSignature(op.sig) || verifyOpSignature(op)).toBe(true);
    // Served again from the end of the line, from scratch, in batches of 2: still verifies.
    const again = await collect(
      verifiedBatches(e.store, ORG, await e.store.versionVector(ORG), {}, { ops: 2, bytes: 1 << 20 }),
    );
    expect(checkBatches(again, new Map(), new Set()).tips.get(x.peerId)?.seq).toBe(60);
  });

  it('verifies at most one signature per author and batch on an honest log, remembers it, and keeps batch sizes', async () => {
    const x = await generateIdentity();
    const y = await generateIdentity();
    const b = new MemoryOpStore(await generateIdentity()).host(ORG, [x.peerId, y.peerId]);
    const xs = chain(x, 100, (i) => BASE + 2 * i);
    const ys = chain(y, 100, (i) => BASE + 2 * i + 1);
    await b.ingest(ORG, xs);
    await b.ingest(ORG, ys);
    const ours = await b.versionVector(ORG);
    const first = await collect(verifiedBatches(b, ORG, ours, {}, { ops: 10, bytes: 1 << 20 }));
    const checked = checkBatches(first, new Map(), new Set());
    expect(checked.sizes).toEqual(Array(20).fill(10));
    // Every batch ends both runs at an unchecked op but the last: 2 verifications for each of 19 batches.
    expect(b.remembered).toBe(38);
    // The real signatures travel on only where checked; the rest as the placeholder.
    const sent = first.flat().filter(([, sig]) => !isNoSignature(sig));
    expect(sent.length).toBe(40);
    await collect(verifiedBatches(b, ORG, ours, {}, { ops: 10, bytes: 1 << 20 }));
    expect(b.remembered).toBe(38);
  });

  it('moves a run that cannot end in this batch to the next one, and never exceeds a frame', async () => {
    const x = await generateIdentity();
    const y = await generateIdentity();
    const b = new MemoryOpStore(await generateIdentity()).host(ORG, [x.peerId, y.peerId]);
    const big = 200 * 1024;
    // y1 < x1 < y2 < x2 < ... < x9 in time; x's nine ops (1.8 MiB) came as one run, y's one by one.
    const xs = chain(x, 9, (i) => BASE + 10 * i + 5, big);
    const ys = chain(y, 2, (i) => BASE + 10 * i, big);
    const bad = garbled(xs);
    await b.ingest(ORG, bad);
    for (const op of ys) await b.ingest(ORG, [op]);
    const batches = await collect(
      verifiedBatches(b, ORG, await b.versionVector(ORG), {}, { ops: 512, bytes: 512 * 1024 }),
    );
    const checked = checkBatches(batches, new Map(), sigHex(bad.slice(0, -1)));
    // [y1, x1, y2] filled the first batch; x's run could not reach x9 within its frame, so it went next, whole.
    expect(checked.sizes).toEqual([2, 9]);
    expect(checked.tips.get(x.peerId)?.seq).toBe(9);
  });

  it('sends nothing more of an author whose run cannot end at a verified op within a frame', async () => {
    const x = await generateIdentity();
    const y = await generateIdentity();
    const b = new MemoryOpStore(await generateIdentity()).host(ORG, [x.peerId, y.peerId]);
    // Straight into the store (no frame holds that many): 1100 ops with one checked signature, at the end.
    const xs = chain(x, SYNC_LIMITS.maxBatchOps + 76, (i) => BASE + 2 * i);
    const ys = chain(y, 30, (i) => BASE + 2 * i + 1);
    const bad = garbled(xs);
    await b.ingest(ORG, bad);
    await b.ingest(ORG, ys);
    const batches = await collect(
      verifiedBatches(b, ORG, await b.versionVector(ORG), {}, { ops: 16, bytes: 1 << 20 }),
    );
    const checked = checkBatches(batches, new Map(), sigHex(bad.slice(0, -1)));
    expect(checked.tips.has(x.peerId)).toBe(false);
    expect(checked.tips.get(y.peerId)?.seq).toBe(30);
  });
});
