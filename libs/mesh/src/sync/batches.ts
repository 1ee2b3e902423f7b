/**
 * The batches a server sends for one pull. Ops go in log order, as many as
 * the batch limits allow, with one rule on top: in every batch, each author's
 * run ends at an op whose signature this gateway has verified (or made),
 * because that is the one signature the receiver checks (`verifyRun`). The
 * other ops of the run carry their signature only if it was verified here,
 * and NO_SIGNATURE otherwise: a gateway never sends on a signature it has not
 * checked, so garbage a peer slipped into the middle of a run stops here.
 *
 * Closing a batch, for each author whose last op in it is not marked verified:
 *   1. verify that op's stored signature now and remember the result (an
 *      honest run's signatures are all genuine, so this is the usual case: at
 *      most one verification per author per batch, and never twice per op);
 *   2. otherwise extend the run to the author's next verified op (the newest
 *      op of every run this gateway received is one), if the batch stays
 *      within the frame limits;
 *   3. otherwise move the author's unverified tail, with that extension, to
 *      the head of the next batch (a run received in one frame fits in one);
 *   4. and when even that is impossible (no verified op within a frame's
 *      worth), send nothing more of that author in this pull.
 */
import { verifySignature } from '../oplog/chain.js';
import { hashBytes, isNoSignature, NO_SIGNATURE } from '../oplog/op.js';
import type { VersionVector } from '../oplog/version-vector.js';
import { SYNC_LIMITS } from './constants.js';
import type { WireOp } from './messages.js';
import type { OpPlace, OpStore, StoredOp } from './op-store.js';
import { OrderedOps } from './ordered-ops.js';

export interface BatchLimits {
  /** A batch closes once it holds this many ops... */
  readonly ops: number;
  /** ...or once its op bytes (body and signature) pass this. */
  readonly bytes: number;
}

/** What no batch may exceed, whatever extending runs to a verified op takes: the receiver's frame limits. */
const HARD = {
  ops: SYNC_LIMITS.maxBatchOps,
  // An `ops` frame is a map header, its keys and an array header (under 16 bytes), then per op an
  // array header, a byte string header of up to 5 bytes, the body and 2 + 64 bytes of signature.
  bytes: SYNC_LIMITS.maxFrameBytes - 16,
} as const;
const WIRE_BYTES_PER_OP = 1 + 5 + 2 + 64;

interface Entry {
  readonly op: StoredOp;
  verified: boolean;
}

const entry = (op: StoredOp): Entry => ({ op, verified: op.sigVerified });
const wireBytes = (op: StoredOp) => op.bytes.byteLength + WIRE_BYTES_PER_OP;

class Batch {
  entries: Entry[] = [];
  private wire = 0;
  private opBytes = 0;

  get empty(): boolean {
    return this.entries.length === 0;
  }

  full(limits: BatchLimits): boolean {
    return this.entries.length >= limits.ops || this.opBytes >= limits.bytes;
  }

  fits(more: readonly Entry[]): boolean {
    return (
      this.entries.length + more.length <= HARD.ops &&
      this.wire + more.reduce((n, e) => n + wireBytes(e.op), 0) <= HARD.bytes
    );
  }

  add(...more: Entry[]): void {
    for (const e of more) {
      this.entries.push(e);
      this.wire += wireBytes(e.op);
      this.opBytes += e.op.bytes.byteLength + 64;
    }
  }

  remove(gone: readonly Entry[]): void {
    if (!gone.length) return;
    const set = new Set(gone);
    this.entries = this.entries.filter((e) => !set.has(e));
    for (const e of gone) {
      this.wire -= wireBytes(e.op);
      this.opBytes -= e.op.bytes.byteLength + 64;
    }
  }

  runOf(author: string): Entry[] {
    return this.entries.filter((e) => e.op.author === author);
  }

  authors(): string[] {
    return [...new Set(this.entries.map((e) => e.op.author))];
  }

  toWire(): WireOp[] {
    return this.entries.map((e) => [e.op.bytes, e.verified ? e.op.sig : NO_SIGNATURE] as const);
  }
}

/**
 * The batches of ops `theirs` lacks and `ours` holds, ready to send: every
 * author's run in a batch continues its run in the batch before and ends at
 * an op with a verified signature; no batch exceeds the protocol's limits.
 */
export async function* verifiedBatches(
  store: Pick<OpStore, 'opsAfter' | 'rememberVerified'>,
  org: string,
  ours: VersionVector,
  theirs: VersionVector,
  limits: BatchLimits,
  /** Nothing placed after this (see OrderedOps). */
  until: OpPlace | null = null,
): AsyncGenerator<WireOp[]> {
  const ordered = new OrderedOps(store, org, ours, theirs, undefined, until);
  /** Whole segments held back from a batch, oldest first: they open the next ones. */
  const pinned: Entry[][] = [];

  /** Verifies an op's stored signature now; remembers success. */
  const verifyNow = (e: Entry): boolean => {
    if (e.verified) return true;
    if (isNoSignature(e.op.sig)) return false;
    if (!verifySignature(e.op.author, hashBytes(e.op.bytes), e.op.sig)) return false;
    e.verified = true;
    store.rememberVerified(org, e.op.author, e.op.seq);
    return true;
  };

  /** Makes `author`'s run in `batch` end at a verified op (see the steps at the top). */
  const close = async (batch: Batch, author: string): Promise<void> => {
    const run = batch.runOf(author);
    if (verifyNow(run[run.length - 1])) return;
    const tail = run.slice(run.findLastIndex((e) => e.verified) + 1);
    const ext: Entry[] = [];
    // The segment (tail and extension) must fit in a batch of its own, or it can never be sent.
    let ops = tail.length;
    let bytes = tail.reduce((n, e) => n + wireBytes(e.op), 0);
    for (;;) {
      const op = await ordered.peekOf(author);
      if (!op || ops + 1 > HARD.ops || bytes + wireBytes(op) > HARD.bytes) break;
      await ordered.nextOf(author);
      ext.push(entry(op));
      ops += 1;
      bytes += wireBytes(op);
      if (op.sigVerified) break;
    }
    const last = ext[ext.length - 1];
    const ended = last !== undefined && verifyNow(last);
    if (ended && batch.fits(ext)) {
      batch.add(...ext);
      return;
    }
    batch.remove(tail);
    if (ended) pinned.push([...tail, ...ext]);
    else ordered.drop(author);
  };

  for (;;) {
    const batch = new Batch();
    while (pinned.length && batch.fits(pinned[0])) batch.add(...pinned.shift()!);
    // Ops of an author still pinned must not overtake its segment: fill only once all are out.
    while (!pinned.length && !batch.full(limits)) {
      const op = await ordered.peek();
      if (!op) break;
      if (!batch.fits([entry(op)])) {
        if (!batch.empty) break;
        ordered.drop(op.author); // larger than any frame: cannot be sent at all
        continue;
      }
      await ordered.next();
      batch.add(entry(op));
    }
    if (batch.empty && !pinned.length) return;
    for (const author of batch.authors()) await close(batch, author);
    if (!batch.empty) yield batch.toWire();
  }
}
