import { describe, expect, it } from 'vitest';
import { generateIdentity } from '../identity/gateway-identity.js';
import { compareOps } from '../oplog/order.js';
import { MemoryOpStore } from './memory-op-store.js';
import { missingOpsInOrder } from './ordered-ops.js';

describe('missingOpsInOrder', () => {
  it('yields exactly the ops the other side lacks, in log order across authors, reading in chunks', async () => {
    const stores = await Promise.all([0, 1, 2].map(async () => new MemoryOpStore(await generateIdentity())));
    const [a, b, c] = stores;
    for (const s of stores)
      s.host(
        'o',
        stores.map((x) => x.peerId),
      );
    // Interleave writes so hybrid times of the three authors alternate.
    for (let round = 0; round < 30; round++) {
      for (const s of stores) await a.ingest('o', s === a ? a.write('o', 2) : s.write('o', 1));
    }
    await b.ingest(
      'o',
      a.ops('o').filter((op) => op.author !== c.peerId && op.seq <= 10),
    );
    const theirs = await b.versionVector('o');
    const out = [];
    for await (const op of missingOpsInOrder(a, 'o', await a.versionVector('o'), theirs, 7)) out.push(op);
    const expected = a.ops('o').filter((op) => op.seq > (theirs[op.author] ?? 0));
    expect(out.map((o) => `${o.author}/${o.seq}`)).toEqual(expected.map((o) => `${o.author}/${o.seq}`));
    expect([...out].sort(compareOps)).toEqual(out);
    // Up to a place in the log only (a revoked peer's revocation): every author's chain stops there.
    const until = expected[Math.floor(expected.length / 2)];
    const upTo = [];
    for await (const op of missingOpsInOrder(a, 'o', await a.versionVector('o'), theirs, 7, until))
      upTo.push(op);
    expect(upTo.map((o) => `${o.author}/${o.seq}`)).toEqual(
      expected.filter((o) => compareOps(o, until) <= 0).map((o) => `${o.author}/${o.seq}`),
    );
  });

  it("reads an author's large ops a few at a time, not hundreds at once", async () => {
    const store = new MemoryOpStore(await generateIdentity()).host('o');
    const OP_BYTES = 200 * 1024;
    store.write('o', 100, (i) => ({ i, text: 'x'.repeat(OP_BYTES) }));
    const reads: number[] = [];
    const counting = {
      opsAfter: async (...args: Parameters<MemoryOpStore['opsAfter']>) => {
        const ops = await store.opsAfter(...args);
        reads.push(ops.reduce((n, op) => n + op.bytes.byteLength, 0));
        return ops;
      },
    };
    const out = [];
    for await (const op of missingOpsInOrder(counting, 'o', await store.versionVector('o'), {})) out.push(op);
    expect(out.map((op) => op.seq)).toEqual(store.ops('o').map((op) => op.seq));
    // About READ_BYTES (1 MiB) a read once sizes are known; the first read takes 8 ops.
    expect(Math.max(...reads.slice(1))).toBeLessThanOrEqual(1024 * 1024 + OP_BYTES);
    expect(reads[0]).toBeLessThanOrEqual(8 * (OP_BYTES + 1024));
  });
});
