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
  });
});
