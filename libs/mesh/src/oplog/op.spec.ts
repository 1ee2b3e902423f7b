import { describe, expect, it } from 'vitest';
import { generateIdentity } from '../identity/gateway-identity.js';
import { verifyRun } from './chain.js';
import { encodeHlc } from './hlc.js';
import { decodeOp, type Op, OpFormatError, signOp } from './op.js';

async function chainOf(n: number, clock = (seq: number) => 1000 + seq) {
  const me = await generateIdentity();
  const ops: Op[] = [];
  for (let seq = 1; seq <= n; seq++) {
    ops.push(
      signOp(me, {
        v: 1,
        org: 'org-1',
        author: me.peerId,
        seq,
        prev: ops.at(-1)?.id ?? null,
        hlc: encodeHlc({ wall: clock(seq), counter: 0 }),
        actor: 'user-1',
        kind: 'wiki.revision',
        entity: 'home',
        payload: { text: `edit ${seq}`, n: seq },
      }),
    );
  }
  return { me, ops };
}

describe('op format', () => {
  it('round-trips through its canonical bytes with the same id', async () => {
    const { ops } = await chainOf(1);
    const again = decodeOp(ops[0].bytes, ops[0].sig);
    expect(again.id).toBe(ops[0].id);
    expect(again.payload).toEqual({ text: 'edit 1', n: 1 });
  });

  it('rejects bytes that are not a valid op', async () => {
    const { ops } = await chainOf(1);
    const tampered = new Uint8Array(ops[0].bytes);
    tampered[tampered.length - 1] ^= 0xff;
    expect(() => decodeOp(tampered, ops[0].sig)).toThrow(OpFormatError);
    expect(() => decodeOp(new Uint8Array([1, 2, 3]), ops[0].sig)).toThrow(OpFormatError);
    expect(() => decodeOp(ops[0].bytes, new Uint8Array(10))).toThrow(OpFormatError);
  });

  it('refuses to sign a body with an unknown field or a bad kind', async () => {
    const { me, ops } = await chainOf(1);
    expect(() => signOp(me, { ...ops[0], kind: 'nodot' })).toThrow(OpFormatError);
    expect(() => signOp(me, { ...ops[0], extra: 1 } as never)).toThrow(OpFormatError);
  });
});

describe('verifyRun', () => {
  it('accepts a contiguous signed run, resuming from a tip', async () => {
    const { ops } = await chainOf(5);
    expect(verifyRun(ops, null)).toEqual({ ok: true });
    expect(verifyRun(ops.slice(2), { seq: 2, id: ops[1].id })).toEqual({ ok: true });
  });

  it('rejects gaps, broken links and a forged newest signature', async () => {
    const { ops } = await chainOf(4);
    expect(verifyRun([ops[0], ops[2]], null)).toMatchObject({ ok: false, reason: 'gap' });
    expect(verifyRun(ops.slice(1), { seq: 1, id: 'f'.repeat(64) })).toMatchObject({
      ok: false,
      reason: 'broken-chain',
    });
    const forged = { ...ops[3], sig: new Uint8Array(64) };
    expect(verifyRun([...ops.slice(0, 3), forged], null)).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it("rejects a run whose author's clock goes backwards, also across the tip", async () => {
    const { ops } = await chainOf(3, (seq) => (seq === 2 ? 900 : 1000 + seq));
    expect(verifyRun(ops, null)).toMatchObject({ ok: false, reason: 'clock-backwards' });
    const steady = (await chainOf(3)).ops;
    expect(verifyRun(steady.slice(1), { seq: 1, id: steady[0].id, hlc: steady[2].hlc })).toMatchObject({
      ok: false,
      reason: 'clock-backwards',
    });
    expect(verifyRun(steady.slice(1), { seq: 1, id: steady[0].id, hlc: steady[0].hlc })).toEqual({
      ok: true,
    });
  });

  it('rejects a run signed by another key than its author', async () => {
    const { ops } = await chainOf(2);
    const other = await chainOf(2);
    const stolen = { ...ops[1], sig: other.ops[1].sig };
    expect(verifyRun([ops[0], stolen], null)).toMatchObject({ ok: false, reason: 'bad-signature' });
  });
});
