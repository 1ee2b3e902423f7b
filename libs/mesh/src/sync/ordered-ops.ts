/**
 * The ops a peer lacks, in log order (hlc, author, seq) across authors.
 * Sending in log order means an op's authority (its author's admission, its
 * actor's role) reaches the receiver before the op itself, and a cut-off
 * transfer leaves the receiver with a prefix that makes sense.
 *
 * Each author's ops are read lazily, `chunk` at a time, and merged with a
 * small heap, so memory stays bounded whatever the size of the log.
 */
import { compareOps } from '../oplog/order.js';
import { missingFrom, type VersionVector } from '../oplog/version-vector.js';
import type { OpStore, StoredOp } from './op-store.js';

interface Cursor {
  readonly author: string;
  after: number;
  readonly upTo: number;
  buffer: StoredOp[];
  index: number;
}

export async function* missingOpsInOrder(
  store: Pick<OpStore, 'opsAfter'>,
  org: string,
  ours: VersionVector,
  theirs: VersionVector,
  chunk = 512,
): AsyncGenerator<StoredOp> {
  const heap: Cursor[] = [];
  const head = (c: Cursor) => c.buffer[c.index];
  const less = (a: Cursor, b: Cursor) => compareOps(head(a), head(b)) < 0;

  const refill = async (c: Cursor): Promise<boolean> => {
    if (c.after >= c.upTo) return false;
    const ops = await store.opsAfter(org, c.author, c.after, Math.min(chunk, c.upTo - c.after));
    // An author's ops must come back contiguous; anything else means the store changed under us.
    c.buffer = ops.filter((op) => op.seq <= c.upTo);
    c.index = 0;
    if (!c.buffer.length || c.buffer[0].seq !== c.after + 1) return false;
    c.after = c.buffer[c.buffer.length - 1].seq;
    return true;
  };
  const push = (c: Cursor) => {
    heap.push(c);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  };
  const siftDown = () => {
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let min = i;
      if (l < heap.length && less(heap[l], heap[min])) min = l;
      if (r < heap.length && less(heap[r], heap[min])) min = r;
      if (min === i) return;
      [heap[i], heap[min]] = [heap[min], heap[i]];
      i = min;
    }
  };

  for (const range of missingFrom(ours, theirs)) {
    const c: Cursor = { author: range.author, after: range.after, upTo: range.upTo, buffer: [], index: 0 };
    if (await refill(c)) push(c);
  }
  while (heap.length) {
    const c = heap[0];
    yield head(c);
    c.index += 1;
    if (c.index < c.buffer.length || (await refill(c))) {
      siftDown();
    } else {
      const last = heap.pop()!;
      if (heap.length) {
        heap[0] = last;
        siftDown();
      }
    }
  }
}
