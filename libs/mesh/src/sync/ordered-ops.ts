/**
 * The ops a peer lacks, in log order (hlc, author, seq) across authors.
 * Sending in log order means an op's authority (its author's admission, its
 * actor's role) reaches the receiver before the op itself, and a cut-off
 * transfer leaves the receiver with a prefix that makes sense.
 *
 * Each author's ops are read lazily and merged with a small heap, so memory
 * stays bounded whatever the size of the log: a few ops per author at first,
 * then as many as make about READ_BYTES at the sizes seen so far (up to
 * `maxChunk`), since an op may be up to a frame's size.
 */
import { compareOps } from '../oplog/order.js';
import { missingFrom, type VersionVector } from '../oplog/version-vector.js';
import { SYNC_LIMITS } from './constants.js';
import type { OpPlace, OpStore, StoredOp } from './op-store.js';

/** Bytes of ops to read for an author at a time, once their sizes are known. */
const READ_BYTES = SYNC_LIMITS.targetBatchBytes;
/** Ops read for an author the first time, before their sizes are known. */
const FIRST_READ = 8;

interface Cursor {
  readonly author: string;
  after: number;
  upTo: number;
  buffer: StoredOp[];
  index: number;
  /** Ops to read next time. */
  chunk: number;
}

/**
 * The merge itself, with two ways around log order for the batch builder
 * (`batches.ts`): taking an author's next ops ahead of their turn, and
 * dropping an author for the rest of the transfer.
 */
export class OrderedOps {
  private readonly heap: Cursor[] = [];
  private started = false;

  constructor(
    private readonly store: Pick<OpStore, 'opsAfter'>,
    private readonly org: string,
    private readonly ours: VersionVector,
    private readonly theirs: VersionVector,
    private readonly maxChunk = 512,
    /** Nothing placed after this in log order (a revoked peer's revocation). */
    private readonly until: OpPlace | null = null,
  ) {}

  /** The next op in log order, left in place; null when there is none. */
  async peek(): Promise<StoredOp | null> {
    await this.start();
    return this.heap.length ? head(this.heap[0]) : null;
  }

  /** Takes the next op in log order; null when there is none. */
  async next(): Promise<StoredOp | null> {
    await this.start();
    if (!this.heap.length) return null;
    return this.take(0);
  }

  /** `author`'s next op (by seq), left in place; null when that author has no more. */
  async peekOf(author: string): Promise<StoredOp | null> {
    await this.start();
    const c = this.heap.find((c) => c.author === author);
    return c ? head(c) : null;
  }

  /** Takes `author`'s next op (by seq) out of turn; null when that author has no more. */
  async nextOf(author: string): Promise<StoredOp | null> {
    await this.start();
    const i = this.heap.findIndex((c) => c.author === author);
    return i < 0 ? null : this.take(i);
  }

  /** Nothing more of `author` in this transfer. */
  drop(author: string): void {
    const i = this.heap.findIndex((c) => c.author === author);
    if (i >= 0) this.removeAt(i);
  }

  private async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    for (const range of missingFrom(this.ours, this.theirs)) {
      const c: Cursor = {
        author: range.author,
        after: range.after,
        upTo: range.upTo,
        buffer: [],
        index: 0,
        chunk: Math.min(FIRST_READ, this.maxChunk),
      };
      if (await this.refill(c)) this.push(c);
    }
  }

  private async take(i: number): Promise<StoredOp> {
    const c = this.heap[i];
    const op = head(c);
    c.index += 1;
    const more = c.index < c.buffer.length || (await this.refill(c));
    // The cursor's head moved on (or ran out): put it back in its place.
    this.removeAt(this.heap.indexOf(c));
    if (more) this.push(c);
    return op;
  }

  private async refill(c: Cursor): Promise<boolean> {
    if (c.after >= c.upTo) return false;
    const ops = await this.store.opsAfter(this.org, c.author, c.after, Math.min(c.chunk, c.upTo - c.after));
    // An author's ops must come back contiguous; anything else means the store changed under us.
    c.buffer = ops.filter((op) => op.seq <= c.upTo);
    // An author's clock only moves forward, so what lies past `until` is the rest of its chain.
    const until = this.until;
    const past = until ? c.buffer.findIndex((op) => compareOps(op, until) > 0) : -1;
    if (past >= 0) {
      c.buffer = c.buffer.slice(0, past);
      c.upTo = c.after + past;
    }
    c.index = 0;
    if (!c.buffer.length || c.buffer[0].seq !== c.after + 1) return false;
    const bytes = c.buffer.reduce((n, op) => n + op.bytes.byteLength, 0);
    c.chunk = Math.max(1, Math.min(this.maxChunk, Math.floor((READ_BYTES * c.buffer.length) / bytes)));
    c.after = c.buffer[c.buffer.length - 1].seq;
    return true;
  }

  private less(a: Cursor, b: Cursor): boolean {
    return compareOps(head(a), head(b)) < 0;
  }

  private push(c: Cursor): void {
    this.heap.push(c);
    this.siftUp(this.heap.length - 1);
  }

  private removeAt(i: number): void {
    const last = this.heap.pop()!;
    if (i === this.heap.length) return;
    this.heap[i] = last;
    this.siftUp(i);
    this.siftDown(i);
  }

  private siftUp(start: number): void {
    const heap = this.heap;
    let i = start;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  private siftDown(start: number): void {
    const heap = this.heap;
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let min = i;
      if (l < heap.length && this.less(heap[l], heap[min])) min = l;
      if (r < heap.length && this.less(heap[r], heap[min])) min = r;
      if (min === i) return;
      [heap[i], heap[min]] = [heap[min], heap[i]];
      i = min;
    }
  }
}

function head(c: Cursor): StoredOp {
  return c.buffer[c.index];
}

export async function* missingOpsInOrder(
  store: Pick<OpStore, 'opsAfter'>,
  org: string,
  ours: VersionVector,
  theirs: VersionVector,
  maxChunk = 512,
  until: OpPlace | null = null,
): AsyncGenerator<StoredOp> {
  const ordered = new OrderedOps(store, org, ours, theirs, maxChunk, until);
  for (let op = await ordered.next(); op; op = await ordered.next()) yield op;
}
