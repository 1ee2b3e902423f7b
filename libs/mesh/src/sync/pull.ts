/**
 * The client side of a pull: send our version vector, apply each batch in
 * its own transaction, acknowledge it, and stop at the server's `end`.
 * A dropped stream loses nothing that was applied; the next pull starts from
 * the version vector, so nothing that arrived is sent again.
 */
import type { Logger, Stream } from '@libp2p/interface';
import { decodeOp, type Op, OpFormatError } from '../oplog/op.js';
import type { VersionVector } from '../oplog/version-vector.js';
import { SYNC_LIMITS, SYNC_TIMEOUTS } from './constants.js';
import { FramedStream } from './framing.js';
import { parseServerFrame, type SyncErrorCode, SyncProtocolError } from './messages.js';
import { isSenderFault, type OpStore } from './op-store.js';
import type { Offence } from './peer-scores.js';
import { type SyncState, vectorDistance } from './sync-state.js';

export interface PullContext {
  readonly store: OpStore;
  readonly log: Logger;
  readonly window: number;
  penalise(peer: string, offence: Offence, detail: string): void;
  readonly signal: AbortSignal;
}

export interface PullResult {
  /** Ops applied from this pull. */
  readonly applied: number;
  readonly duplicates: number;
  readonly refused: number;
  readonly batches: number;
  /** The server's version vector at the start of its answer (null when it refused). */
  readonly theirs: VersionVector | null;
  /** The error code the server answered with, if any. */
  readonly refusedWith: SyncErrorCode | null;
}

/** Runs one pull of `org` over an open stream to `peer`. */
export async function pullOver(
  ctx: PullContext,
  stream: Stream,
  peer: string,
  org: string,
  state: { -readonly [K in keyof SyncState]: SyncState[K] },
): Promise<PullResult> {
  const framed = new FramedStream(stream, SYNC_LIMITS.maxFrameBytes);
  const deadline = AbortSignal.any([ctx.signal, AbortSignal.timeout(SYNC_TIMEOUTS.pullMs)]);
  const ours = await ctx.store.versionVector(org);
  let applied = 0;
  let duplicates = 0;
  let refused = 0;
  let batches = 0;
  // The seq each author's next op must have: ops come in log order, each author's in seq order.
  const next = new Map<string, number>();
  // Authors with a refused op: the rest of their chain cannot follow it in this pull.
  const blocked = new Set<string>();
  const fault = (offence: Offence, message: string): never => {
    ctx.penalise(peer, offence, message);
    throw new SyncProtocolError(offence === 'forged' ? 'forged' : (offence as SyncErrorCode), message);
  };
  /**
   * The batch being applied while the next frame is read and decoded: the
   * store's transaction mostly waits on SQLite, so decoding overlaps it. It
   * is acknowledged, and its refusals known, before the next one starts.
   */
  let applying: Promise<void> | null = null;
  const settle = async () => {
    const current = applying;
    applying = null;
    await current;
  };
  const apply = async (ops: Op[]) => {
    const outcome = await ctx.store.ingest(org, ops);
    applied += outcome.applied;
    duplicates += outcome.duplicates;
    refused += outcome.rejected.length;
    state.opsReceived += outcome.applied;
    const forged = outcome.rejected.find((r) => isSenderFault(r.reason));
    if (forged) fault('forged', `op ${forged.id} refused: ${forged.reason}`);
    for (const r of outcome.rejected) blocked.add(r.author);
    await framed.write({ t: 'ack' }, { signal: deadline });
  };
  try {
    await framed.write({ t: 'pull', org, vv: ours, win: ctx.window }, { signal: deadline });
    for (;;) {
      const bytes = await framed.read({
        signal: AbortSignal.any([deadline, AbortSignal.timeout(SYNC_TIMEOUTS.frameMs)]),
      });
      state.bytesReceived += bytes.byteLength;
      let frame: ReturnType<typeof parseServerFrame>;
      try {
        frame = parseServerFrame(bytes);
      } catch (err) {
        if (err instanceof SyncProtocolError)
          fault(err.code === 'too-large' ? 'too-large' : 'malformed', err.message);
        throw err;
      }
      if (frame.t === 'err') {
        await settle();
        return { applied, duplicates, refused, batches, theirs: null, refusedWith: frame.code };
      }
      if (frame.t === 'end') {
        await settle();
        state.behind = vectorDistance(await ctx.store.versionVector(org), frame.vv);
        state.ahead = vectorDistance(frame.vv, await ctx.store.versionVector(org));
        await framed.close();
        return { applied, duplicates, refused, batches, theirs: frame.vv, refusedWith: null };
      }
      if (frame.t !== 'ops') fault('malformed', `unexpected ${frame.t} frame in a pull`);
      const received: Op[] = [];
      for (const [body, sig] of (frame as Extract<typeof frame, { t: 'ops' }>).ops) {
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
        received.push(op);
      }
      await settle();
      const ops = received.filter((op) => !blocked.has(op.author));
      refused += received.length - ops.length;
      batches += 1;
      if (ops.length) {
        applying = apply(ops);
        // Awaited by the next settle(); until then a failure must not count as unhandled.
        applying.catch(() => {});
      } else await framed.write({ t: 'ack' }, { signal: deadline });
    }
  } catch (err) {
    if (err instanceof SyncProtocolError) await framed.fail(err.code, err.message);
    else framed.stream.abort(err as Error);
    throw err;
  }
}
