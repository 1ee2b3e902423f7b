/**
 * The client side of a pull: send our version vector, acknowledge and apply
 * the batches as they come, and stop at the server's `end`.
 * A dropped stream loses nothing that was applied; the next pull starts from
 * the version vector, so nothing that arrived is sent again.
 */
import type { Logger, Stream } from '@libp2p/interface';
import { decodeOp, type Op, OpFormatError } from '../oplog/op.js';
import type { VersionVector } from '../oplog/version-vector.js';
import { SYNC_LIMITS, SYNC_TIMEOUTS } from './constants.js';
import { expiringSignal, FramedStream } from './framing.js';
import { parseServerFrame, type SyncErrorCode, SyncProtocolError } from './messages.js';
import { FORKED_BY_AUTHOR, isSenderFault, type OpStore } from './op-store.js';
import type { Offence } from './peer-scores.js';
import { type SyncState, vectorDistance } from './sync-state.js';

export interface PullContext {
  readonly store: OpStore;
  readonly log: Logger;
  readonly window: number;
  /** How long the server may keep us waiting for a frame (default SYNC_TIMEOUTS.frameMs). */
  readonly frameMs?: number;
  penalise(peer: string, offence: Offence, detail: string): void;
  readonly signal: AbortSignal;
}

export interface PullResult {
  /** Ops applied from this pull. */
  readonly applied: number;
  readonly duplicates: number;
  readonly refused: number;
  /**
   * Of those, the ops that may be taken once this gateway holds more (their
   * author's admission, their actor's role): all but those of forked chains.
   */
  readonly waiting: number;
  readonly batches: number;
  /** The server's version vector at the start of its answer (null when it refused). */
  readonly theirs: VersionVector | null;
  /** The error code the server answered with, if any. */
  readonly refusedWith: SyncErrorCode | null;
}

/** Most ops applied in one transaction when several batches are waiting. */
const MAX_OPS_PER_APPLY = SYNC_LIMITS.maxWindow * SYNC_LIMITS.maxBatchOps;

type EndFrame = Extract<ReturnType<typeof parseServerFrame>, { t: 'end' | 'err' }>;

/**
 * Runs one pull of `org` over an open stream to `peer`. A reader decodes
 * and checks frames as they come; the applier hands the store everything
 * that has arrived since its last transaction (within the server's window),
 * acknowledging each batch as it takes it. Batches commit together while
 * the store is busy, and the next ones travel and are decoded meanwhile.
 */
export async function pullOver(
  ctx: PullContext,
  stream: Stream,
  peer: string,
  org: string,
  state: { -readonly [K in keyof SyncState]: SyncState[K] },
): Promise<PullResult> {
  const framed = new FramedStream(stream, SYNC_LIMITS.maxFrameBytes);
  const pullTime = expiringSignal(ctx.signal, SYNC_TIMEOUTS.pullMs);
  const deadline = pullTime.signal;
  const ours = await ctx.store.versionVector(org);
  let applied = 0;
  let duplicates = 0;
  let refused = 0;
  let waiting = 0;
  let batches = 0;
  // The seq each author's next op must have: ops come in log order, each author's in seq order.
  const next = new Map<string, number>();
  // Authors with a refused op: the rest of their chain cannot follow it in this pull. True when
  // the refusal may be lifted later (not a fork).
  const blocked = new Map<string, boolean>();
  let faulted = false;
  const fault = (offence: Offence, message: string): never => {
    // One pull, one penalty: the reader may still meet bad frames after the first fault.
    if (!faulted) ctx.penalise(peer, offence, message);
    faulted = true;
    throw new SyncProtocolError(offence === 'forged' ? 'forged' : (offence as SyncErrorCode), message);
  };

  /** Decoded batches not yet applied, and how the reader stopped. */
  const arrived: Op[][] = [];
  /** Batches received and acks sent: the server may be `ctx.window` batches ahead, no more. */
  let received = 0;
  let acked = 0;
  let ended: EndFrame | null = null;
  let failed: { err: unknown } | null = null;
  let wake: (() => void) | null = null;
  const signal = () => {
    wake?.();
    wake = null;
  };

  const decodeBatch = (wire: readonly (readonly [Uint8Array, Uint8Array])[]): Op[] => {
    const ops: Op[] = [];
    for (const [body, sig] of wire) {
      let op: Op;
      try {
        op = decodeOp(body, sig);
      } catch (err) {
        if (err instanceof OpFormatError) fault('malformed', err.message);
        throw err;
      }
      if (op.org !== org) fault('malformed', `op of organisation ${op.org} in a pull of ${org}`);
      if (op.seq <= (ours[op.author] ?? 0))
        fault('replay', `op ${op.author}/${op.seq} was below our version vector`);
      const expected = next.get(op.author) ?? (ours[op.author] ?? 0) + 1;
      if (op.seq !== expected)
        fault('malformed', `op ${op.author}/${op.seq} out of order, expected ${expected}`);
      next.set(op.author, op.seq + 1);
      ops.push(op);
    }
    return ops;
  };

  /**
   * The frame timeout runs only while the applier waits for the server: a
   * server whose window is full waits for our acks, not we for its frames.
   */
  const idle = new AbortController();
  /** The server's next frame; a bad length prefix or a bad frame is its fault, being slow is not. */
  const readFrame = async (): Promise<ReturnType<typeof parseServerFrame>> => {
    try {
      const bytes = await framed.read({ signal: AbortSignal.any([deadline, idle.signal]) });
      state.bytesReceived += bytes.byteLength;
      return parseServerFrame(bytes);
    } catch (err) {
      if (err instanceof SyncProtocolError && err.code !== 'timeout')
        fault(err.code === 'too-large' ? 'too-large' : 'malformed', err.message);
      throw err;
    }
  };
  const read = async () => {
    try {
      for (;;) {
        const frame = await readFrame();
        if (frame.t === 'err' || frame.t === 'end') {
          ended = frame;
          // Nothing more to say either: close now, not once the store has taken what arrived (the
          // server aborts a stream left open, see FramedStream.close).
          void framed.close();
          return;
        }
        if (frame.t !== 'ops') fault('malformed', `unexpected ${frame.t} frame in a pull`);
        // A server that does not wait for our acks would grow `arrived` while the store is slow.
        if (++received - acked > ctx.window)
          fault('malformed', `${received - acked} batches ahead of our acks, past a window of ${ctx.window}`);
        arrived.push(decodeBatch((frame as Extract<typeof frame, { t: 'ops' }>).ops));
        signal();
      }
    } catch (err) {
      failed = { err };
    } finally {
      signal();
    }
  };

  /** Acknowledges the batches that have arrived (as many as fit one transaction) and applies them. */
  const applyArrived = async () => {
    let count = 0;
    let size = 0;
    while (count < arrived.length && (count === 0 || size + arrived[count].length <= MAX_OPS_PER_APPLY))
      size += arrived[count++].length;
    const taken = arrived.splice(0, count).flat();
    const ops: Op[] = [];
    for (const op of taken) {
      const mayWait = blocked.get(op.author);
      if (mayWait === undefined) ops.push(op);
      else {
        refused += 1;
        if (mayWait) waiting += 1;
      }
    }
    batches += count;
    // Acknowledged as they are taken, not once applied: the server sends the next batches while
    // the store works on these. Memory stays bounded: a window of batches waits here (the reader
    // holds the server to it) while at most a window's worth is applied.
    // After `end` or `err` the server wants no acks, and our side is closed.
    for (let i = 0; i < count && !(ended as EndFrame | null); i++) {
      acked += 1; // before the write: the server may answer the ack before the write resolves
      await framed.write({ t: 'ack' }, { signal: deadline });
    }
    if (ops.length) {
      const outcome = await ctx.store.ingest(org, ops);
      applied += outcome.applied;
      duplicates += outcome.duplicates;
      refused += outcome.rejected.length;
      state.opsReceived += outcome.applied;
      // An author's fork is no fault of a peer that relays it, but is of the author serving it.
      const forged = outcome.rejected.find(
        (r) => isSenderFault(r.reason) || (r.reason === FORKED_BY_AUTHOR && r.author === peer),
      );
      if (forged) fault('forged', `op ${forged.id} refused: ${forged.reason}`);
      for (const r of outcome.rejected) {
        const mayWait = r.reason !== FORKED_BY_AUTHOR;
        if (mayWait) waiting += 1;
        blocked.set(r.author, mayWait && blocked.get(r.author) !== false);
      }
    }
  };

  try {
    await framed.write({ t: 'pull', org, vv: ours, win: ctx.window }, { signal: deadline });
    void read(); // never rejects: it reports through `failed` and `ended`
    for (;;) {
      if (failed) throw (failed as { err: unknown }).err;
      if (arrived.length) {
        await applyArrived();
        continue;
      }
      const end = ended as EndFrame | null;
      if (end?.t === 'err') {
        return { applied, duplicates, refused, waiting, batches, theirs: null, refusedWith: end.code };
      }
      if (end?.t === 'end') {
        state.behind = vectorDistance(await ctx.store.versionVector(org), end.vv);
        state.ahead = vectorDistance(end.vv, await ctx.store.versionVector(org));
        return { applied, duplicates, refused, waiting, batches, theirs: end.vv, refusedWith: null };
      }
      const stalled = setTimeout(
        () => idle.abort(new DOMException('no frame from the server in time', 'TimeoutError')),
        ctx.frameMs ?? SYNC_TIMEOUTS.frameMs,
      );
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      clearTimeout(stalled);
    }
  } catch (err) {
    if (err instanceof SyncProtocolError) await framed.fail(err.code, err.message);
    else framed.stream.abort(err as Error);
    throw err;
  } finally {
    pullTime.clear();
    // However the pull ended (an `err` answer too): a stream left half-open holds a stream slot at both ends.
    await framed.close();
  }
}
