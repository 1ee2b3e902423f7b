/**
 * Protocol fuzzing against a live gateway's sync handler, both ways: random
 * and mutated requests sent to it, and random and mutated answers to its own
 * pulls. The gateway stays up, its state does not change, and it still syncs
 * with an honest peer afterwards.
 */
import { encodeMessage, SYNC_PROTOCOL, withPeerId } from '@gatehouse/mesh';
import type { Stream } from '@libp2p/interface';
import { encode } from 'cborg';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeshNodeService } from '../../apps/gateway/src/mesh/node/mesh-node.service.js';
import {
  admitAll,
  converged,
  createOrganization,
  type MeshGateway,
  opCount,
  savePage,
  startMeshGateways,
  stateHash,
  stopAll,
  syncOf,
  until,
} from './support/mesh-fixture.js';
import { type Rogue, startRogue } from './support/rogue-gateway.js';

/** A varint length prefix, as the protocol frames messages. */
function frame(bytes: Uint8Array): Uint8Array {
  const prefix: number[] = [];
  let n = bytes.length;
  do {
    prefix.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n >>>= 7;
  } while (n > 0);
  return new Uint8Array([...prefix, ...bytes]);
}

function mutate(
  bytes: Uint8Array,
  how: { kind: number; at: number; value: number; tail: Uint8Array },
): Uint8Array {
  const out = new Uint8Array(bytes);
  const at = how.at % Math.max(out.length, 1);
  switch (how.kind % 4) {
    case 0:
      out[at] ^= how.value || 1;
      return out;
    case 1:
      return out.subarray(0, at);
    case 2:
      return new Uint8Array([...out, ...how.tail]);
    default:
      return new Uint8Array([...out.subarray(0, at), ...how.tail, ...out.subarray(at)]);
  }
}

describe('sync protocol fuzzing against a live gateway', () => {
  let gws: MeshGateway[] = [];
  let target: MeshGateway;
  let orgId: string;
  let fuzzer: Rogue | null = null;
  const rogues: Rogue[] = [];

  beforeAll(async () => {
    gws = await startMeshGateways(2, 'fz');
    target = gws[0];
    orgId = await createOrganization(target.operator, 'fuzzed');
    await savePage(target.operator, orgId, 'home', 'hello');
    await admitAll(target.operator, orgId, gws.slice(1));
    await converged(gws, orgId);
  }, 90_000);
  afterAll(async () => {
    for (const r of rogues) await r.close().catch(() => {});
    await stopAll(gws);
  }, 60_000);

  const targetAddrs = () =>
    target.gateway.app
      .get(MeshNodeService)
      .addresses()
      .map((a) => withPeerId(a, target.peerId));

  /**
   * A stream to the target's sync handler, from a fresh fuzzer once the last
   * one got itself banned. The target accepts only a few new connections per
   * second from one host (all fuzzers are 127.0.0.1): back off and retry.
   */
  async function openStream(): Promise<Stream> {
    for (let attempt = 0; attempt < 6; attempt++) {
      if (!fuzzer) {
        fuzzer = await startRogue();
        rogues.push(fuzzer);
      }
      try {
        return await fuzzer.node.dialProtocol(targetAddrs(), SYNC_PROTOCOL, {
          signal: AbortSignal.timeout(3000),
        });
      } catch {
        if (syncOf(target).scores.isBanned(fuzzer.id)) {
          await fuzzer.close();
          fuzzer = null;
        }
        await new Promise((r) => setTimeout(r, 1100));
      }
    }
    throw new Error('could not reach the target at all');
  }

  async function send(bytes: Uint8Array): Promise<void> {
    const stream = await openStream();
    try {
      // Wait for whatever comes back (an error reply, usually) until the target closes, or 300 ms.
      const answered = new Promise<void>((resolve) => {
        stream.addEventListener('close', () => resolve(), { once: true });
        stream.addEventListener('remoteCloseWrite', () => resolve(), { once: true });
        setTimeout(resolve, 300);
      });
      stream.send(bytes);
      await answered;
    } catch {
      // Resets and aborts are a fine answer to garbage.
    } finally {
      stream.abort(new Error('next'));
    }
  }

  it('survives random and mutated requests with its state unchanged', async () => {
    const hash = await stateHash(target, orgId);
    const ops = await opCount(target, orgId);
    const valid = [
      encodeMessage({ t: 'pull', org: orgId, vv: {}, win: 2 }),
      encodeMessage({ t: 'have', org: orgId, vv: { [target.peerId]: 999 } }),
      encodeMessage({ t: 'join', org: orgId, invite: 'nope', secret: 'nope' }),
      encode({ t: 'pull', org: orgId, vv: { a: 'x' }, win: 1 }),
      encode({ t: 'pull', org: orgId, vv: {}, win: 1e9 }),
    ];
    const inputs = fc.sample(
      fc.oneof(
        fc.uint8Array({ maxLength: 300 }).map(frame),
        fc
          .record({
            base: fc.nat({ max: valid.length - 1 }),
            kind: fc.nat(),
            at: fc.nat(),
            value: fc.nat({ max: 255 }),
            tail: fc.uint8Array({ maxLength: 40 }),
          })
          .map((m) => frame(mutate(valid[m.base], m))),
        // A length prefix that lies, or promises far too much.
        fc
          .uint8Array({ minLength: 1, maxLength: 6 })
          .map((b) => new Uint8Array([...b.map((x) => x | 0x80), 0x10])),
      ),
      { numRuns: 150, seed: 20261125 },
    );
    for (const input of inputs) await send(input);
    const health = await fetch(`${target.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await stateHash(target, orgId)).toBe(hash);
    expect(await opCount(target, orgId)).toBe(ops);
    expect(
      syncOf(target)
        .scores.all()
        .some((s) => s.bannedUntil !== null),
    ).toBe(true);
  }, 120_000);

  it('survives random and mutated answers to its own pulls with its state unchanged', async () => {
    const hash = await stateHash(target, orgId);
    const [row] = await target.gateway.dataSource.query('SELECT body, sig FROM op WHERE org = ? LIMIT 1', [
      orgId,
    ]);
    const realOp = new Uint8Array(row.body);
    const sig = new Uint8Array(row.sig);
    const answers = fc.sample(
      fc.oneof(
        fc.uint8Array({ maxLength: 200 }),
        fc
          .record({
            kind: fc.nat(),
            at: fc.nat(),
            value: fc.nat({ max: 255 }),
            tail: fc.uint8Array({ maxLength: 20 }),
          })
          .map((m) => encodeMessage({ t: 'ops', ops: [[mutate(realOp, m), sig]] })),
        fc
          .record({
            kind: fc.nat(),
            at: fc.nat(),
            value: fc.nat({ max: 255 }),
            tail: fc.uint8Array({ maxLength: 20 }),
          })
          .map((m) => mutate(encodeMessage({ t: 'end', vv: { [target.peerId]: 1 } }), m)),
      ),
      { numRuns: 60, seed: 7 },
    );
    for (const answer of answers) {
      const rogue = await startRogue();
      rogues.push(rogue);
      await rogue.answerPullsWith(() => [answer, encodeMessage({ t: 'end', vv: {} })]);
      // Paced: the target takes a few new connections per second from one host.
      await new Promise((r) => setTimeout(r, 250));
      await rogue.node.dial(targetAddrs(), { signal: AbortSignal.timeout(3000) });
      await until(() => syncOf(target).connectedPeers().includes(rogue.id), 5000, 'rogue connected');
      await syncOf(target)
        .pull(rogue.id, orgId)
        .catch(() => null);
      await rogue.close();
    }
    expect((await fetch(`${target.url}/healthz`)).status).toBe(200);
    expect(await stateHash(target, orgId)).toBe(hash);
  }, 120_000);

  it('still replicates with an honest peer afterwards', async () => {
    await savePage(target.operator, orgId, 'after-fuzz', 'still standing');
    await converged(gws, orgId);
    expect(await stateHash(gws[1], orgId)).toBe(await stateHash(target, orgId));
  });
});
