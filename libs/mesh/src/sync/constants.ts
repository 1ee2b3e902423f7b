/**
 * Protocol id of the sync protocol; the version changes when messages do.
 * 1.1.0: an op's signature slot holds NO_SIGNATURE unless the sender verified
 * it; only the last op of each author's run in a batch must carry one. A 1.0.0
 * gateway would store those placeholders and later end a run with one.
 */
export const SYNC_PROTOCOL = '/gatehouse/sync/1.1.0';

export const SYNC_LIMITS = {
  /** Largest frame accepted from a peer (a batch of ops plus framing). */
  maxFrameBytes: 2 * 1024 * 1024,
  /** Largest first frame of a stream (a request). */
  maxRequestBytes: 256 * 1024,
  /** Ops in one batch. */
  maxBatchOps: 1024,
  /**
   * A batch closes once its op bytes pass this (it always holds at least one
   * op). Each batch is one transaction and one fsync on the receiver: about
   * 700 ops of 1 KB, and still half a frame.
   */
  targetBatchBytes: 1024 * 1024,
  /** Authors in a version vector. */
  maxVectorEntries: 2048,
  /** Batches a server may send ahead of the client's acknowledgements. */
  maxWindow: 8,
  defaultWindow: 8,
  /** Length of an error message. */
  maxErrorText: 500,
} as const;

export const SYNC_TIMEOUTS = {
  /** Opening a stream and reading a request. */
  requestMs: 10_000,
  /** Waiting for the next frame while a sync runs (a batch, an ack). */
  frameMs: 30_000,
  /** A whole pull, however large: beyond this it is cut and resumed later. */
  pullMs: 10 * 60_000,
  /**
   * Once our side of an exchange is done and closed, how long the peer has to close its side
   * before the stream is aborted: a half-closed stream still holds a protocol stream slot at both ends.
   */
  closeMs: 2_000,
} as const;

/** Streams of this protocol one peer may hold open towards us, and we towards it. */
export const MAX_INBOUND_STREAMS = 8;
export const MAX_OUTBOUND_STREAMS = 8;
/** Pulls served to one peer at once; more get a 'busy' reply. */
export const MAX_SERVED_PULLS_PER_PEER = 2;
