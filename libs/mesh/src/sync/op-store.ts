import { signedByAuthor } from '../oplog/chain.js';
import type { Op, OpBody } from '../oplog/op.js';
import type { VersionVector } from '../oplog/version-vector.js';

/** What the sync server needs of a stored op: enough to order it and send it. */
export type StoredOp = Pick<Op, 'author' | 'seq' | 'hlc' | 'bytes' | 'sig'> & {
  /**
   * Whether this gateway verified `sig` (or made it: its own ops). A received
   * run has only its newest signature verified; the others are held as they
   * came (or as NO_SIGNATURE) and are never sent on as signatures.
   */
  readonly sigVerified: boolean;
};

/** An op's place in its organisation's log order (see compareOps). */
export type OpPlace = Pick<OpBody, 'hlc' | 'author' | 'seq'>;

export interface IngestRejection {
  readonly id: string;
  readonly author: string;
  readonly seq: number;
  readonly reason: string;
}

export interface IngestOutcome {
  readonly applied: number;
  readonly duplicates: number;
  readonly rejected: readonly IngestRejection[];
}

export interface InviteRedemption {
  readonly org: string;
  readonly invite: string;
  readonly secret: string;
  /** The redeeming gateway, as authenticated by the connection. */
  readonly peer: string;
}

/**
 * The organisation logs a gateway holds, as the sync protocol sees them.
 * The gateway implements it over its SQLite op log; `MemoryOpStore` is the
 * in-memory version for tests.
 */
export interface OpStore {
  /** Organisations (root ids) this gateway hosts. */
  hostedOrgs(): Promise<readonly string[]>;
  hosts(org: string): Promise<boolean>;
  /** author -> highest seq held (each author's ops are held contiguously from 1). */
  versionVector(org: string): Promise<VersionVector>;
  /** Held ops of one author with seq > afterSeq, by seq, at most `limit`. */
  opsAfter(org: string, author: string, afterSeq: number, limit: number): Promise<readonly StoredOp[]>;
  /**
   * Checks (chains, one signature per run, admission, roles), stores and
   * applies received ops in one transaction. Nothing refused is stored. Of
   * the ops stored, only those whose signature was verified are marked so
   * (`StoredOp.sigVerified`): the newest op of each run, at least.
   */
  ingest(org: string, ops: readonly Op[]): Promise<IngestOutcome>;
  /**
   * The sync server verified the stored signature of this op after it was
   * stored: remember it, so it is not verified again. May be lazy (a lost
   * note costs one verification later).
   */
  rememberVerified(org: string, author: string, seq: number): void;
  /** Whether `peer` may exchange `org` with us: an admitted gateway, or the one we joined through. */
  mayReplicate(org: string, peer: string): Promise<boolean>;
  /**
   * Where `peer`'s revocation from `org` stands in the log, if it is revoked:
   * it may still pull the ops placed up to there, so that it learns it was
   * revoked (and stops admitting others), and nothing after.
   */
  revokedAt?(org: string, peer: string): Promise<OpPlace | null>;
  /** Calls back with the organisations that gained ops, local or received. Returns an unsubscribe function. */
  onCommit(listener: (orgs: readonly string[]) => void): () => void;
  /** Admits the redeeming gateway if the invite is valid and unused (stores that never admit leave it out). */
  redeemInvite?(request: InviteRedemption): Promise<'admitted' | 'invalid'>;
}

/**
 * Refusal of an op its author signed on a branch of its chain other than the
 * one held here: the author's fault, not the sender's (see signedByAuthor).
 */
export const FORKED_BY_AUTHOR = 'forked-by-author';

/** Why a run that contradicts the chain held is refused: the author's fork if it signed the run, else the sender's. */
export function contradictionReason(run: readonly Op[]): typeof FORKED_BY_AUTHOR | 'fork' {
  return signedByAuthor(run) ? FORKED_BY_AUTHOR : 'fork';
}

/**
 * Reasons for refusing an op that prove the sender forwarded something no
 * honest gateway would have stored: broken authenticity. Refusals for
 * authority (admission, roles) are not the sender's fault: it may know
 * something we do not yet, and the op can be judged again later. Nor is an
 * author's fork (FORKED_BY_AUTHOR): honest gateways may hold either branch.
 */
const SENDER_FAULTS = new Set([
  'bad-signature',
  'broken-chain',
  'clock-backwards',
  'gap',
  'mixed-run',
  'fork',
  'malformed',
]);

export function isSenderFault(reason: string): boolean {
  return SENDER_FAULTS.has(reason.split(' ')[0]);
}
