import { defaultLogger } from '@libp2p/logger';
import { streamPair } from '@libp2p/utils';
import { describe, expect, it, vi } from 'vitest';
import { generateIdentity } from '../identity/gateway-identity.js';
import { SYNC_LIMITS } from './constants.js';
import { FramedStream } from './framing.js';
import { MemoryOpStore } from './memory-op-store.js';
import { parseServerFrame } from './messages.js';
import { pullOver } from './pull.js';
import { serveStream } from './serve.js';
import { SyncStates } from './sync-state.js';

// A frame timeout and a grace for closing far shorter than the client's store takes, and a pull
// deadline a test can wait out.
vi.mock('./constants.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./constants.js')>();
  return {
    ...actual,
    SYNC_TIMEOUTS: { ...actual.SYNC_TIMEOUTS, frameMs: 100, closeMs: 100, pullMs: 2_000 },
  };
});

const ORG = 'org-serve';
const CLIENT = 'client';

/** A server holding ten ops of its own, serving batches of two to CLIENT over a stream pair. */
async function setup() {
  const server = new MemoryOpStore(await generateIdentity()).host(ORG, [CLIENT]);
  server.write(ORG, 10);
  const [clientStream, serverStream] = await streamPair();
  const penalties: string[] = [];
  const serving = new Map<string, number>();
  const served = serveStream(
    {
      store: server,
      states: new SyncStates(),
      log: defaultLogger().forComponent('test:serve'),
      batchOps: 2,
      batchBytes: SYNC_LIMITS.targetBatchBytes,
      serving,
      penalise: (_peer, offence) => penalties.push(offence),
      onHave: () => {},
      signal: new AbortController().signal,
    },
    serverStream,
    CLIENT,
  );
  return { server, clientStream, served, serving, penalties };
}

describe('serveStream waiting for acks', () => {
  it('serves a client whose store takes longer than the frame timeout to take batches, and does not penalise it', async () => {
    const { server, clientStream, served, serving, penalties } = await setup();
    const store = new MemoryOpStore(await generateIdentity());
    store.admit(ORG, server.peerId);
    // Four frame timeouts before the next batches are taken and acknowledged, and the last ones
    // only after the server has sent `end` and closed its side.
    store.ingestDelayMs = 400;
    const state = { bytesReceived: 0, opsReceived: 0, behind: 0, ahead: 0 } as Parameters<typeof pullOver>[4];
    const ctx = {
      store,
      log: defaultLogger().forComponent('test:pull'),
      window: 2,
      frameMs: 5_000,
      penalise: () => {},
      signal: new AbortController().signal,
    };
    const result = await pullOver(ctx, clientStream, 'server', ORG, state);
    await served;
    expect(result).toMatchObject({ applied: 10, batches: 5, refusedWith: null });
    expect(penalties).toEqual([]);
    expect(serving.size).toBe(0);
  });

  it('ends a pull whose client never acknowledges at the pull deadline, without penalty', async () => {
    const { clientStream, served, serving, penalties } = await setup();
    const framed = new FramedStream(clientStream, SYNC_LIMITS.maxFrameBytes);
    await framed.write({ t: 'pull', org: ORG, vv: {}, win: 1 }, {});
    const started = performance.now();
    expect(parseServerFrame(await framed.read({}))).toMatchObject({ t: 'ops' });
    // No ack: the server waits for one until the pull's deadline (2 s here), then gives up.
    expect(parseServerFrame(await framed.read({}))).toMatchObject({ t: 'err', code: 'timeout' });
    await served;
    expect(performance.now() - started).toBeGreaterThan(1_500);
    expect(penalties).toEqual([]);
    expect(serving.size).toBe(0);
  });

  it('ends a pull whose client stops with an err frame instead of an ack, without penalty', async () => {
    const { clientStream, served, serving, penalties } = await setup();
    const framed = new FramedStream(clientStream, SYNC_LIMITS.maxFrameBytes);
    await framed.write({ t: 'pull', org: ORG, vv: {}, win: 1 }, {});
    expect(parseServerFrame(await framed.read({}))).toMatchObject({ t: 'ops' });
    // What a client that found the batch forged, or whose pull gave up, sends.
    await framed.write({ t: 'err', code: 'forged', msg: 'op refused: bad signature' }, {});
    await served;
    expect(penalties).toEqual([]);
    expect(serving.size).toBe(0);
  });
});
