import type { Stream } from '@libp2p/interface';
import { defaultLogger } from '@libp2p/logger';
import { streamPair } from '@libp2p/utils';
import { describe, expect, it } from 'vitest';
import { generateIdentity } from '../identity/gateway-identity.js';
import type { Op } from '../oplog/op.js';
import { SYNC_LIMITS } from './constants.js';
import { FramedStream } from './framing.js';
import { MemoryOpStore } from './memory-op-store.js';
import { pullOver } from './pull.js';

const ORG = 'org-pull';

/**
 * A server by hand: answers the pull with `batches` (one per ack when `window` is 1), then `end`.
 * `onAck` runs as each ack arrives.
 */
async function serve(
  stream: Stream,
  batches: Op[][],
  vv: Record<string, number>,
  onAck: () => Promise<void> = async () => {},
): Promise<number> {
  const framed = new FramedStream(stream, SYNC_LIMITS.maxFrameBytes);
  await framed.read({});
  let acks = 0;
  for (const [i, batch] of batches.entries()) {
    if (i > 0) {
      await framed.read({});
      acks += 1;
      await onAck();
    }
    await framed.write({ t: 'ops', ops: batch.map((op) => [op.bytes, op.sig] as const) }, {});
  }
  await framed.read({});
  acks += 1;
  await onAck();
  await framed.write({ t: 'end', vv }, {});
  return acks;
}

async function setup(frameMs: number) {
  // The author writes its ops in a store of its own; the pull fills another.
  const author = new MemoryOpStore(await generateIdentity());
  const store = new MemoryOpStore(await generateIdentity());
  store.admit(ORG, author.peerId);
  const [client, server] = await streamPair();
  const state = { bytesReceived: 0, opsReceived: 0, behind: 0, ahead: 0 } as Parameters<typeof pullOver>[4];
  const penalties: string[] = [];
  const ctx = {
    store,
    log: defaultLogger().forComponent('test:pull'),
    window: 1,
    frameMs,
    penalise: (_peer: string, offence: string) => penalties.push(offence),
    signal: new AbortController().signal,
  };
  return { author, store, client, server, state, ctx, penalties };
}

describe('pullOver timing', () => {
  it('waits for a store slower than the frame timeout: a server with a full window waits for our ack', async () => {
    const { author, store, client, server, state, ctx, penalties } = await setup(100);
    store.ingestDelayMs = 300;
    const ops = author.write(ORG, 6);
    const served = serve(server, [ops.slice(0, 2), ops.slice(2, 4), ops.slice(4)], { [author.peerId]: 6 });
    const result = await pullOver(ctx, client, 'server', ORG, state);
    expect(result).toMatchObject({ applied: 6, refused: 0, batches: 3, refusedWith: null });
    expect(await served).toBe(3);
    expect(penalties).toEqual([]);
    expect(await store.versionVector(ORG)).toEqual({ [author.peerId]: 6 });
  });

  it('acknowledges a batch as it takes it, so the next one travels while the store applies it', async () => {
    const { author, store, client, server, state, ctx } = await setup(5_000);
    store.ingestDelayMs = 300;
    const ops = author.write(ORG, 4);
    /** What the store held of the author when each ack reached the server. */
    const heldAtAck: number[] = [];
    const onAck = async () => {
      heldAtAck.push((await store.versionVector(ORG))[author.peerId] ?? 0);
    };
    const served = serve(server, [ops.slice(0, 2), ops.slice(2)], { [author.peerId]: 4 }, onAck);
    const result = await pullOver(ctx, client, 'server', ORG, state);
    expect(result).toMatchObject({ applied: 4, batches: 2, refusedWith: null });
    expect(await served).toBe(2);
    // The first ack came while its batch was still being applied; the next came once the second was taken.
    expect(heldAtAck[0]).toBe(0);
    expect(heldAtAck[1]).toBeLessThan(4);
    expect(await store.versionVector(ORG)).toEqual({ [author.peerId]: 4 });
  });

  it('gives up on a server that stops sending, within the frame timeout', async () => {
    const { client, server, state, ctx } = await setup(200);
    const framed = new FramedStream(server, SYNC_LIMITS.maxFrameBytes);
    void framed.read({}); // takes the pull request, then says nothing
    const started = performance.now();
    await expect(pullOver(ctx, client, 'server', ORG, state)).rejects.toThrow();
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe('pullOver against a hostile server', () => {
  it('stops a pull and penalises a server that sends more batches than the window lets ahead of our acks', async () => {
    const { author, store, client, server, state, ctx, penalties } = await setup(5_000);
    store.ingestDelayMs = 300;
    const ops = author.write(ORG, 50);
    // The window is 1; this server sends every batch at once and never reads an ack.
    const framed = new FramedStream(server, SYNC_LIMITS.maxFrameBytes);
    const flood = (async () => {
      await framed.read({});
      for (const op of ops) await framed.write({ t: 'ops', ops: [[op.bytes, op.sig]] }, {});
      await framed.write({ t: 'end', vv: { [author.peerId]: 50 } }, {});
    })().catch(() => {});
    await expect(pullOver(ctx, client, 'server', ORG, state)).rejects.toMatchObject({ code: 'malformed' });
    expect(penalties).toEqual(['malformed']);
    // What the store took stayed within the window.
    expect(store.opCount(ORG)).toBeLessThanOrEqual(1);
    await flood;
  });

  it.each([
    ['announces a frame over the size limit', new Uint8Array([0x80, 0x80, 0x80, 0x20])],
    ['never ends (every byte has the continuation bit)', new Uint8Array(64).fill(0xff)],
  ])('penalises a server whose length prefix %s, at once', async (_case, prefix) => {
    const { client, server, state, ctx, penalties } = await setup(5_000);
    const framed = new FramedStream(server, SYNC_LIMITS.maxFrameBytes);
    void framed.read({}).then(
      () => server.send(prefix),
      () => {},
    );
    const started = performance.now();
    await expect(pullOver(ctx, client, 'server', ORG, state)).rejects.toMatchObject({ code: 'too-large' });
    expect(penalties).toEqual(['too-large']);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('penalises a server once per pull, though more bad frames follow the first', async () => {
    const { author, store, client, server, state, ctx, penalties } = await setup(5_000);
    // Slow enough that the second frame is read while the first is judged.
    store.ingestDelayMs = 100;
    const [first, , third] = author.write(ORG, 3);
    const framed = new FramedStream(server, SYNC_LIMITS.maxFrameBytes);
    const bad = (async () => {
      await framed.read({});
      // A signature that is not the author's, then an op out of order.
      await framed.write({ t: 'ops', ops: [[first.bytes, new Uint8Array(64).fill(7)]] }, {});
      await framed.write({ t: 'ops', ops: [[third.bytes, third.sig]] }, {});
    })().catch(() => {});
    await expect(pullOver(ctx, client, 'server', ORG, state)).rejects.toBeInstanceOf(Error);
    await bad;
    expect(penalties).toHaveLength(1);
    expect(store.opCount(ORG)).toBe(0);
  });
});
