/**
 * Authenticity of an author's contiguous run of ops: the hash chain links each
 * op to the one before, and a single signature on the newest op covers the run.
 */
import { authorPublicKey } from '../identity/gateway-identity.js';
import { verifyBytes } from '../identity/signing.js';
import type { Op } from './op.js';

/** The newest op already held for an author in an organisation. */
export interface ChainTip {
  readonly seq: number;
  readonly id: string;
  /** Its clock reading: the next op of the author must be later. */
  readonly hlc?: string;
}

export type RunVerdict =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly reason: 'gap' | 'broken-chain' | 'clock-backwards' | 'bad-signature' | 'mixed-run';
      readonly detail: string;
    };

/**
 * Checks `run` (ops of one author and one organisation, sorted by seq) against
 * the tip already held. Verifies exactly one signature: the newest op's. The
 * other ops' signatures are not checked, so a store must not treat them as
 * verified (nor send them on as if they were).
 */
export function verifyRun(run: readonly Op[], tip: ChainTip | null): RunVerdict {
  if (run.length === 0) return { ok: true };
  const { author, org } = run[0];
  let expectedSeq = (tip?.seq ?? 0) + 1;
  let expectedPrev = tip?.id ?? null;
  let after = tip?.hlc ?? '';
  for (const op of run) {
    if (op.author !== author || op.org !== org) return { ok: false, reason: 'mixed-run', detail: op.id };
    if (op.seq !== expectedSeq) {
      return { ok: false, reason: 'gap', detail: `expected seq ${expectedSeq} of ${author}, got ${op.seq}` };
    }
    if (op.prev !== expectedPrev)
      return { ok: false, reason: 'broken-chain', detail: `op ${op.id} does not follow ${expectedPrev}` };
    // An author's clock only moves forward: log order and seq order agree within a chain,
    // so applying in log order never meets an author's op before the one it follows.
    if (op.hlc <= after)
      return { ok: false, reason: 'clock-backwards', detail: `op ${op.id} is not later than ${after}` };
    expectedSeq += 1;
    expectedPrev = op.id;
    after = op.hlc;
  }
  const newest = run[run.length - 1];
  return verifySignature(author, newest.id, newest.sig)
    ? { ok: true }
    : { ok: false, reason: 'bad-signature', detail: newest.id };
}

/**
 * Whether `run`'s author signed every op in it: the ops link to each other by
 * hash and seq, and the newest op's signature is valid. A run that contradicts
 * what a store holds (a second op for a seq, or a first op that does not
 * follow the held tip) and passes this was forked by its author; whoever
 * relayed it is not at fault, as an honest gateway may hold either branch.
 */
export function signedByAuthor(run: readonly Op[]): boolean {
  if (!run.length) return false;
  for (let i = 1; i < run.length; i++) {
    const [before, op] = [run[i - 1], run[i]];
    if (op.author !== before.author || op.org !== before.org) return false;
    if (op.seq !== before.seq + 1 || op.prev !== before.id) return false;
  }
  return verifyOpSignature(run[run.length - 1]);
}

/** Whether `sig` is `author`'s signature of the op id `id` (hex). */
export function verifySignature(author: string, id: string, sig: Uint8Array): boolean {
  try {
    return verifyBytes(authorPublicKey(author), Buffer.from(id, 'hex'), sig);
  } catch {
    return false;
  }
}

/** Verifies one op's own signature (for ops judged alone, e.g. fork evidence). */
export function verifyOpSignature(op: Pick<Op, 'author' | 'id' | 'sig'>): boolean {
  return verifySignature(op.author, op.id, op.sig);
}
