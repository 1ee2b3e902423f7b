/**
 * The server side of one sync stream: read the request, check it, answer it.
 * Every failure ends in an error reply (when the stream still works) and,
 * when it was the peer's doing, a penalty.
 */
import type { Logger, Stream } from '@libp2p/interface';
import type { VersionVector } from '../oplog/version-vector.js';
import { verifiedBatches } from './batches.js';
import { MAX_SERVED_PULLS_PER_PEER, SYNC_LIMITS, SYNC_TIMEOUTS } from './constants.js';
import { expiringSignal, FramedStream, isStreamEnded } from './framing.js';
import {
  parseClientFrame,
  parseRequest,
  type SyncErrorCode,
  SyncProtocolError,
  type SyncRequest,
} from './messages.js';
import type { OpPlace, OpStore } from './op-store.js';
import type { Offence } from './peer-scores.js';
import type { SyncStates } from './sync-state.js';

export interface ServeContext {
  readonly store: OpStore;
  readonly states: SyncStates;
  readonly log: Logger;
  readonly batchOps: number;
  readonly batchBytes: number;
  /** Pulls being served, per peer. */
  readonly serving: Map<string, number>;
  /** `repeatOf`: see PeerScores.penalise. */
  penalise(peer: string, offence: Offence, detail: string, repeatOf?: string): void;
  /** The peer announced ops we lack: pull them. */
  onHave(peer: string, org: string): void;
  readonly signal: AbortSignal;
}

export async function serveStream(ctx: ServeContext, stream: Stream, peer: string): Promise<void> {
  const framed = new FramedStream(stream, SYNC_LIMITS.maxRequestBytes);
  let request: SyncRequest;
  try {
    const bytes = await framed.read({
      signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(SYNC_TIMEOUTS.requestMs)]),
    });
    request = parseRequest(bytes);
  } catch (err) {
    return refuse(ctx, framed, peer, err);
  }
  try {
    switch (request.t) {
      case 'pull':
        return await servePull(ctx, framed, peer, request);
      case 'have':
        return await serveHave(ctx, framed, peer, request);
      case 'join':
        return await serveJoin(ctx, framed, peer, request);
    }
  } catch (err) {
    return refuse(ctx, framed, peer, err);
  }
}

/** A refusal that is no fault of the client's: answered, not penalised. */
class NoFault extends SyncProtocolError {}

/**
 * A refusal about one organisation (not hosted, not admitted, a bad invite):
 * charged once per peer and organisation, however often it is asked again.
 * Two honest gateways' logs may disagree for a while on who is admitted.
 */
class OrgRefusal extends SyncProtocolError {
  constructor(
    code: SyncErrorCode,
    message: string,
    readonly org: string,
  ) {
    super(code, message);
  }
}

/**
 * A client that reads or acks nothing before the pull's deadline is slow (its
 * store may be rebuilding), which is no fault of its own.
 */
const slowClient =
  (what: string) =>
  (err: unknown): never => {
    if (err instanceof SyncProtocolError && err.code === 'timeout')
      throw new NoFault('timeout', `${what} before the pull deadline`);
    throw err;
  };

/** The client stopped the pull and said why: nothing to answer, nothing to penalise. */
class ClientStopped extends Error {}

async function refuse(ctx: ServeContext, framed: FramedStream, peer: string, err: unknown): Promise<void> {
  if (err instanceof SyncProtocolError) {
    if (err.code !== 'busy' && err.code !== 'internal' && !(err instanceof NoFault))
      ctx.penalise(peer, err.code as Offence, err.message, err instanceof OrgRefusal ? err.org : undefined);
    await framed.fail(err.code, err.message);
    return;
  }
  if (err instanceof ClientStopped || isStreamEnded(err)) {
    // The client went away (link cut, pull abandoned) or said it stops: nothing to answer.
    framed.stream.abort(err as Error);
    return;
  }
  ctx.log.error('serving %s failed: %e', peer, err);
  await framed.fail('internal', 'internal error');
}

/** Only a peer that may replicate `org` with us (not one revoked) announces it. */
async function checkAccess(ctx: ServeContext, peer: string, org: string): Promise<void> {
  if ((await pullAccess(ctx, peer, org)) !== null) throw notAdmitted(org);
}

/**
 * What `peer` may pull of `org`: everything (null), or, once revoked, the
 * ops placed up to its revocation, so that it learns of it.
 */
async function pullAccess(ctx: ServeContext, peer: string, org: string): Promise<OpPlace | null> {
  if (!(await ctx.store.hosts(org))) throw new OrgRefusal('unknown-org', 'organisation not hosted here', org);
  if (await ctx.store.mayReplicate(org, peer)) return null;
  const revoked = await ctx.store.revokedAt?.(org, peer);
  if (revoked) return revoked;
  throw notAdmitted(org);
}

const notAdmitted = (org: string) =>
  new OrgRefusal('not-admitted', 'your gateway is not admitted to this organisation', org);

async function servePull(
  ctx: ServeContext,
  framed: FramedStream,
  peer: string,
  request: Extract<SyncRequest, { t: 'pull' }>,
): Promise<void> {
  const upTo = await pullAccess(ctx, peer, request.org);
  const active = ctx.serving.get(peer) ?? 0;
  if (active >= MAX_SERVED_PULLS_PER_PEER) throw new SyncProtocolError('busy', 'too many pulls at once');
  ctx.serving.set(peer, active + 1);
  const state = ctx.states.get(peer, request.org);
  const pullTime = expiringSignal(ctx.signal, SYNC_TIMEOUTS.pullMs);
  const deadline = pullTime.signal;
  const send = (message: Parameters<FramedStream['write']>[0]) =>
    framed.write(message, { signal: deadline }).catch(slowClient('no frame taken'));
  try {
    const ours: VersionVector = await ctx.store.versionVector(request.org);
    let credit = request.win;
    // Each author's run in a batch ends at an op whose signature we verified: see batches.ts.
    const batches = verifiedBatches(
      ctx.store,
      request.org,
      ours,
      request.vv,
      { ops: ctx.batchOps, bytes: ctx.batchBytes },
      upTo,
    );
    for await (const batch of batches) {
      if (credit === 0) {
        await readAck(framed, deadline);
        credit += 1;
      }
      state.bytesSent += await send({ t: 'ops', ops: batch });
      credit -= 1;
      state.opsSent += batch.length;
    }
    await send({ t: 'end', vv: ours });
    await framed.close();
  } finally {
    pullTime.clear();
    const left = (ctx.serving.get(peer) ?? 1) - 1;
    if (left > 0) ctx.serving.set(peer, left);
    else ctx.serving.delete(peer);
  }
}

/**
 * Waits for the client's next ack. An honest client acks a batch when its store takes it, which can be
 * long after a frame timeout (a projection rebuild shares the store's write queue): the wait lasts up
 * to the pull's deadline, and running out of it is no fault of the client's.
 */
async function readAck(framed: FramedStream, deadline: AbortSignal): Promise<void> {
  const bytes = await framed.read({ signal: deadline }).catch(slowClient('no ack'));
  const frame = parseClientFrame(bytes);
  if (frame.t === 'err') throw new ClientStopped(`client stopped (${frame.code}): ${frame.msg}`);
}

async function serveHave(
  ctx: ServeContext,
  framed: FramedStream,
  peer: string,
  request: Extract<SyncRequest, { t: 'have' }>,
): Promise<void> {
  await checkAccess(ctx, peer, request.org);
  await framed.write({ t: 'ok' }, { signal: AbortSignal.timeout(SYNC_TIMEOUTS.requestMs) });
  await framed.close();
  const ours = await ctx.store.versionVector(request.org);
  for (const [author, seq] of Object.entries(request.vv)) {
    if (seq > (ours[author] ?? 0)) {
      ctx.onHave(peer, request.org);
      return;
    }
  }
}

async function serveJoin(
  ctx: ServeContext,
  framed: FramedStream,
  peer: string,
  request: Extract<SyncRequest, { t: 'join' }>,
): Promise<void> {
  if (!ctx.store.redeemInvite || !(await ctx.store.hosts(request.org))) {
    throw new OrgRefusal('unknown-org', 'organisation not hosted here', request.org);
  }
  const verdict = await ctx.store.redeemInvite({
    org: request.org,
    invite: request.invite,
    secret: request.secret,
    peer,
  });
  if (verdict !== 'admitted')
    throw new OrgRefusal(
      'invalid-invite',
      'invite unknown, used or expired, or your gateway was revoked since it was issued',
      request.org,
    );
  await framed.write(
    { t: 'joined', org: request.org },
    { signal: AbortSignal.timeout(SYNC_TIMEOUTS.requestMs) },
  );
  await framed.close();
}
