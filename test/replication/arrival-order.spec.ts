/**
 * Refusals must not depend on arrival order. An op is refused only when the
 * log has never shown what it rests on; once a gateway has stored an op it
 * keeps it (void at worst), so a refusal that another gateway, hearing of a
 * demotion later, would not have made leaves the two holding different ops
 * for good. Most cases: an admin demoted on g1 (placed first), acting on g2
 * before hearing of it, with ops resting on what it did; one gateway hears
 * of the demotion last, the other first, and both must end holding the same
 * ops, the same void and the same refused.
 */
import { generateIdentity, type Op } from '@gatehouse/mesh';
import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { OpJudge } from '../../apps/gateway/src/mesh/authority/op-judge.js';
import { AuthorityReconciler, RECONCILE_OWED } from '../../apps/gateway/src/oplog/authority-reconciler.js';
import { OpLogService } from '../../apps/gateway/src/oplog/oplog.service.js';
import { StateHashService } from '../../apps/gateway/src/oplog/state-hash.service.js';
import { type Author, appendOp } from '../foundation/op-generator.js';
import { removeDir, startTestGateway, type TestGateway } from '../support/gateway-harness.js';
import { PURCHASE_REQUEST } from '../workflows/org-fixture.js';
import { deliver } from './support/deliver.js';

const ORG = 'org-arrival-order';
const [OWNER, ADMIN, MEMBER, NEWCOMER] = ['acc-owner', 'acc-admin', 'acc-member', 'acc-new'];

type Write = (a: Author, actor: string, kind: string, entity: string, payload: unknown) => Op;

/**
 * g1 creates the organisation, admits g2 (and g3 if asked: before the
 * demotion, so no later op of g1 waits for it), and (placed before all g2
 * writes) demotes the admin.
 */
async function setting({ admitG3 = false } = {}) {
  const author = async (wall: number): Promise<Author> => ({
    identity: await generateIdentity(),
    ops: [],
    wall,
  });
  const [g1, g2, g3] = [await author(1_000), await author(6_000), await author(7_000)];
  const write: Write = (a, actor, kind, entity, payload) =>
    appendOp(a, { org: ORG, actor, kind, entity, payload: payload as never });
  write(g1, OWNER, 'org.created', ORG, { id: ORG, parentId: null, slug: 'v', name: 'V', description: '' });
  write(g1, OWNER, 'member.role', `${ORG}/${ADMIN}`, { orgId: ORG, accountId: ADMIN, role: 'admin' });
  write(g1, OWNER, 'member.role', `${ORG}/${MEMBER}`, { orgId: ORG, accountId: MEMBER, role: 'member' });
  /** A gateway invite issued by `by`, the only gateway that may redeem it. */
  const invite = (id: string, by = g1) =>
    write(by, OWNER, 'gateway.invited', id, { inviteId: id, secretHash: 'a'.repeat(64), expiresAt: 9e12 });
  invite('inv2');
  write(g1, OWNER, 'gateway.admitted', g2.identity.peerId, { peerId: g2.identity.peerId, inviteId: 'inv2' });
  invite('inv3');
  if (admitG3)
    write(g1, OWNER, 'gateway.admitted', g3.identity.peerId, {
      peerId: g3.identity.peerId,
      inviteId: 'inv3',
    });
  g1.wall = 5_000;
  const demotion = write(g1, OWNER, 'member.role', `${ORG}/${ADMIN}`, {
    orgId: ORG,
    accountId: ADMIN,
    role: 'member',
  });
  const rename = (a: Author, name: string) =>
    write(a, OWNER, 'org.updated', ORG, { id: ORG, name, description: '' });
  return { g1, g2, g3, write, invite, demotion, rename };
}

interface Case {
  /** The ops of the case, per gateway. */
  ops: Op[][];
  /** The op one gateway hears of last (the demotion unless said otherwise). */
  late: Op;
  /** Ops that must end void on both gateways. */
  void: Op[];
  /** Ops that must end in effect on both gateways. */
  effective?: Op[];
  /** Ops that must end refused on both gateways. */
  refused?: Op[];
}

/** g2 admits g3 in the demoted admin's name, and g3 writes: both void. (g1 and write: for more ops of g1.) */
async function admittedByDemotedAdmin(): Promise<Case & { g1: Author; write: Write }> {
  const { g1, g2, g3, write, invite, demotion, rename } = await setting();
  invite('inv5', g2);
  const admission = write(g2, ADMIN, 'gateway.admitted', g3.identity.peerId, {
    peerId: g3.identity.peerId,
    inviteId: 'inv5',
  });
  const byG3 = rename(g3, 'from g3');
  return { ops: [g1.ops, g2.ops, g3.ops], late: demotion, void: [admission, byG3], g1, write };
}

/**
 * g2 admits g3; g3, not having heard of the demotion, revokes g2 in the
 * demoted admin's name (void); then g2 writes an op refused on grounds of
 * its own. Where the revocation is in effect, g2 is not admitted at that op,
 * which alone would keep it void: its own grounds must refuse it there too.
 */
async function revokedByDemotedAdmin(opOfG2: (g2: Author, write: Write) => Op): Promise<Case> {
  const { g1, g2, g3, write, invite, demotion } = await setting();
  const issued = invite('inv5', g2);
  const admitted = write(g2, OWNER, 'gateway.admitted', g3.identity.peerId, {
    peerId: g3.identity.peerId,
    inviteId: 'inv5',
  });
  const revocation = write(g3, ADMIN, 'gateway.revoked', g2.identity.peerId, { peerId: g2.identity.peerId });
  g2.wall = 8_000;
  const refused = opOfG2(g2, write);
  return {
    ops: [g1.ops, [issued, admitted], g3.ops, [refused]],
    late: demotion,
    void: [revocation],
    refused: [refused],
  };
}

/** A purchase-request version whose `submit` transition takes `role`. */
const version = (versionId: string, n: number, role: string) => ({
  orgId: ORG,
  workflowId: 'wf',
  versionId,
  key: PURCHASE_REQUEST.key,
  version: n,
  definition: {
    ...structuredClone(PURCHASE_REQUEST),
    version: n,
    transitions: PURCHASE_REQUEST.transitions.map((t) => (t.id === 'submit' ? { ...t, roles: [role] } : t)),
  },
  startRoles: ['member'],
});

const CASES: Record<string, () => Promise<Case>> = {
  'a gateway admitted by a demoted admin': admittedByDemotedAdmin,
  'an admission resting on a gateway invite by a demoted admin': async () => {
    const { g1, g2, g3, write, demotion, rename } = await setting();
    const invite = write(g2, ADMIN, 'gateway.invited', 'inv4', {
      inviteId: 'inv4',
      secretHash: 'b'.repeat(64),
      expiresAt: 9e12,
    });
    const admission = write(g2, OWNER, 'gateway.admitted', g3.identity.peerId, {
      peerId: g3.identity.peerId,
      inviteId: 'inv4',
    });
    rename(g2, 'later');
    return { ops: [g1.ops, g2.ops], late: demotion, void: [invite, admission] };
  },
  'an admission by a gateway that did not issue the invite': async () => {
    const { g1, g2, g3, write, demotion } = await setting();
    // inv3 is g1's: g2 holds a copy of it, but only g1 may redeem it.
    const admission = write(g2, OWNER, 'gateway.admitted', g3.identity.peerId, {
      peerId: g3.identity.peerId,
      inviteId: 'inv3',
    });
    return { ops: [g1.ops, g2.ops], late: demotion, void: [], refused: [admission] };
  },
  'an admission by a gateway that did not issue the invite, the invite void until the demotion': async () => {
    const { g1, g2, g3, write, invite, demotion } = await setting({ admitG3: true });
    // Void once the demotion is known, and with it in effect g2's invite below is void.
    const revocation = write(g3, ADMIN, 'gateway.revoked', g2.identity.peerId, {
      peerId: g2.identity.peerId,
    });
    g2.wall = 7_500;
    invite('inv9', g2);
    g3.wall = 8_000;
    const g4 = (await generateIdentity()).peerId;
    const admission = write(g3, OWNER, 'gateway.admitted', g4, { peerId: g4, inviteId: 'inv9' });
    return { ops: [g1.ops, g2.ops, g3.ops], late: demotion, void: [revocation], refused: [admission] };
  },
  'a decision closed by its maker, the decision made again by another gateway first': async () => {
    const { g1, g2, write } = await setting();
    const decision = (actor: string, by: Author) =>
      write(by, actor, 'decision.created', 'keys', {
        orgId: ORG,
        decisionId: 'keys',
        title: 'Keys',
        description: '',
        method: 'majority',
        options: [
          { id: 'o1', label: 'A' },
          { id: 'o2', label: 'B' },
        ],
        voterRoles: ['member'],
        quorum: 1,
        deadline: 9e12,
      });
    g1.wall = 6_500;
    decision(MEMBER, g1);
    // Reusing the id, placed before the member's decision (g2's clock says 6,000): only a dishonest peer does this.
    decision(OWNER, g2);
    g1.wall = 7_000;
    const close = write(g1, MEMBER, 'decision.closed', 'keys', { orgId: ORG, decisionId: 'keys' });
    return { ops: [g1.ops, g2.ops], late: close, void: [close] };
  },
  'a member joining by an invite a demoted admin made': async () => {
    const { g1, g2, write, demotion, rename } = await setting();
    const invite = write(g2, ADMIN, 'invite.created', 'mi', {
      inviteId: 'mi',
      orgId: ORG,
      codeHash: 'c'.repeat(64),
      role: 'member',
      expiresAt: 9e12,
      maxUses: 5,
    });
    const redeemed = write(g2, NEWCOMER, 'invite.redeemed', 'mi', { inviteId: 'mi', accountId: NEWCOMER });
    const joined = write(g2, NEWCOMER, 'member.role', `${ORG}/${NEWCOMER}`, {
      orgId: ORG,
      accountId: NEWCOMER,
      role: 'member',
    });
    rename(g2, 'later');
    return { ops: [g1.ops, g2.ops], late: demotion, void: [invite, redeemed, joined] };
  },
  'a role change whose needed role rises with a promotion': async () => {
    const { g1, g2, write, demotion, rename } = await setting();
    // Placed after the demotion and before the change: the change now touches an admin.
    g1.wall = 5_500;
    write(g1, OWNER, 'member.role', `${ORG}/${MEMBER}`, { orgId: ORG, accountId: MEMBER, role: 'admin' });
    const change = write(g2, ADMIN, 'member.role', `${ORG}/${MEMBER}`, {
      orgId: ORG,
      accountId: MEMBER,
      role: 'editor',
    });
    rename(g2, 'later');
    return { ops: [g1.ops, g2.ops], late: demotion, void: [change] };
  },
  'an op of a gateway revoked by a demoted admin, about a department of another log': () =>
    revokedByDemotedAdmin((g2, write) =>
      write(g2, OWNER, 'wiki.revision', 'dept-x/home', {
        orgId: 'dept-x',
        path: 'home',
        title: 'Home',
        content: 'x',
        resolves: false,
      }),
    ),
  'an op of a gateway revoked by a demoted admin, by an actor who never held a role': () =>
    revokedByDemotedAdmin((g2, write) =>
      write(g2, 'acc-nobody', 'org.updated', ORG, { id: ORG, name: 'taken', description: '' }),
    ),
  'a transition resting on a migration to a version that lets a demoted admin take it': async () => {
    const { g1, g2, write } = await setting();
    // All on g2, after the demotion (5,000): the item starts on v1, where only an admin may submit.
    write(g2, OWNER, 'workflow.published', 'wf', version('v1', 1, 'admin'));
    write(g2, OWNER, 'workflow.published', 'wf', version('v2', 2, 'member'));
    write(g2, ADMIN, 'workflow.itemStarted', 'item', {
      orgId: ORG,
      itemId: 'item',
      workflowId: 'wf',
      versionId: 'v1',
      title: 'Seeds',
      data: { amount: 5, reason: 'sowing' },
    });
    // Before the submission: on v2 a member may submit.
    g1.wall = 6_500;
    const migration = write(g1, OWNER, 'workflow.itemMigrated', 'item', {
      orgId: ORG,
      itemId: 'item',
      toVersionId: 'v2',
      fromVersion: 1,
      toVersion: 2,
      fromState: 'draft',
      toState: 'draft',
    });
    g2.wall = 7_000;
    const submit = write(g2, ADMIN, 'workflow.itemTransitioned', 'item', {
      orgId: ORG,
      itemId: 'item',
      transitionId: 'submit',
      fromState: 'draft',
    });
    return { ops: [g1.ops, g2.ops], late: migration, void: [], effective: [submit] };
  },
};

const stateHash = (gw: TestGateway) => gw.gateway.app.get(StateHashService).stateHash(ORG);

describe('refusals do not depend on arrival order', () => {
  const gateways: TestGateway[] = [];
  afterAll(async () => {
    for (const gw of gateways) {
      await gw.close();
      removeDir(gw.dataDir);
    }
  });

  for (const [name, make] of Object.entries(CASES)) {
    it(`${name}: the same ops held, the same void, whatever the arrival order`, async () => {
      const { ops, late: lastOne, void: voided, effective = [], refused = [] } = await make();
      const [late, early] = await Promise.all([startTestGateway(), startTestGateway()]);
      gateways.push(late, early);
      const [first, ...rest] = ops;
      const onLate = await deliver(late, ORG, [first.filter((op) => op !== lastOne), ...rest, [lastOne]]);
      const onEarly = await deliver(early, ORG, ops);
      for (const on of [onLate, onEarly]) {
        expect(on.refused).toEqual(refused.map((op) => op.kind));
        for (const op of voided) expect(on.voided).toContain(op.id);
        for (const op of effective) {
          expect(on.held).toContain(op.id);
          expect(on.voided).not.toContain(op.id);
        }
      }
      expect(onEarly.held).toEqual(onLate.held);
      expect(onEarly.voided).toEqual(onLate.voided);
      // The same state too, and a rebuild (every op judged afresh, in log order) changes none of it.
      const states = await Promise.all([late, early].map(stateHash));
      expect(states[1]).toBe(states[0]);
      for (const gw of [late, early]) {
        await gw.gateway.app.get(OpLogService).rebuild({ authority: (tx) => new OpJudge(tx) });
        expect(await stateHash(gw)).toBe(states[0]);
        expect((await deliver(gw, ORG, [])).voided).toEqual(onEarly.voided);
      }
    }, 60_000);
  }

  it('gives every case the same ops, void ops and state for random delivery orders', async () => {
    // Each gateway's chain stays in seq order (as sync sends it); the chains interleave at random, in random batches.
    const delivery = (chains: number) =>
      fc.record({
        picks: fc.array(fc.nat(chains - 1), { minLength: 1, maxLength: 64 }),
        batch: fc.integer({ min: 1, max: 6 }),
      });
    for (const make of Object.values(CASES)) {
      const { ops } = await make();
      const reference = await startTestGateway();
      gateways.push(reference);
      const expected = { ...(await deliver(reference, ORG, ops)), state: await stateHash(reference) };
      await fc.assert(
        fc.asyncProperty(delivery(ops.length), async ({ picks, batch }) => {
          const queues = ops.map((chain) => [...chain]);
          const order: Op[] = [];
          for (let i = 0; queues.some((q) => q.length); i++) {
            const open = queues.filter((q) => q.length);
            order.push(open[(picks[i % picks.length] ?? 0) % open.length].shift()!);
          }
          const batches: Op[][] = [];
          for (let i = 0; i < order.length; i += batch) batches.push(order.slice(i, i + batch));
          const gw = await startTestGateway();
          try {
            const on = await deliver(gw, ORG, batches);
            expect({ ...on, state: await stateHash(gw) }).toEqual(expected);
          } finally {
            await gw.close();
            removeDir(gw.dataDir);
          }
        }),
        { numRuns: 3 },
      );
    }
  }, 180_000);

  const owed = async (gw: TestGateway) =>
    (await gw.gateway.dataSource.query('SELECT 1 FROM gateway_setting WHERE key = ?', [RECONCILE_OWED]))
      .length;

  /** A gateway whose reconciliation of a late demotion failed after the demotion committed, and what it should hold. */
  async function cutShort() {
    const { ops, late: demotion, void: voided, g1, write } = await admittedByDemotedAdmin();
    const [first, ...rest] = ops;
    const reference = await startTestGateway();
    gateways.push(reference);
    const expected = await deliver(reference, ORG, ops);
    expect(await owed(reference)).toBe(0);

    const gw = await startTestGateway();
    gateways.push(gw);
    await deliver(gw, ORG, [first.filter((op) => op !== demotion), ...rest]);
    // The rebuild the demotion calls for fails once its ops have committed (as a power cut would cut it).
    const cut = vi
      .spyOn(AuthorityReconciler.prototype, 'rebuild')
      .mockRejectedValueOnce(new Error('power cut'));
    await expect(
      gw.gateway.app.get(OpLogService).ingest([demotion], { authority: (tx) => new OpJudge(tx) }),
    ).rejects.toThrow('power cut');
    cut.mockRestore();
    expect(await owed(gw)).toBe(1);
    const stale = await gw.gateway.app.get(OpLogService).voidOpsOf(ORG);
    expect(stale.map((v) => v.op.id)).not.toContain(voided[0].id);
    return { gw, expected, g1, write };
  }

  it('a failed reconciliation stays owed until a later ingest rebuilds in full', async () => {
    const { gw, expected, g1, write } = await cutShort();
    // A role op placed last: by itself it would need no rebuild.
    g1.wall = 9_000;
    const later = write(g1, OWNER, 'member.role', `${ORG}/acc-late`, {
      orgId: ORG,
      accountId: 'acc-late',
      role: 'member',
    });
    const result = await gw.gateway.app
      .get(OpLogService)
      .ingest([later], { authority: (tx) => new OpJudge(tx) });
    expect(result.rebuilt).toBe(true);
    expect(await owed(gw)).toBe(0);
    const now = await deliver(gw, ORG, []);
    expect(now.voided).toEqual(expected.voided);
    expect(now.held).toEqual([...expected.held, later.id].sort());
  }, 60_000);

  it('finishes at the next start a reconciliation cut short after its ops committed', async () => {
    const { gw, expected } = await cutShort();
    await gw.close();
    const restarted = await startTestGateway({ dataDir: gw.dataDir });
    gateways.push(restarted);
    expect(await owed(restarted)).toBe(0);
    const now = await deliver(restarted, ORG, []);
    expect(now.held).toEqual(expected.held);
    expect(now.voided).toEqual(expected.voided);
  }, 60_000);

  it("refuses an op written into another log's department, whether or not that department is held", async () => {
    const { g1, g2, write } = await setting();
    const page = (a: Author, orgId: string, path: string) =>
      write(a, OWNER, 'wiki.revision', `${orgId}/${path}`, {
        orgId,
        path,
        title: path,
        content: 'x',
        resolves: false,
      });
    write(g1, OWNER, 'org.created', 'dept', {
      id: 'dept',
      parentId: ORG,
      slug: 'd',
      name: 'D',
      description: '',
    });
    const inOwnDept = page(g1, 'dept', 'home');
    const across = page(g2, 'dept-of-another-log', 'home');
    const other = await startTestGateway();
    const bare = await startTestGateway();
    gateways.push(other, bare);
    // One gateway also hosts the log that owns that department; the other has never heard of it.
    const elsewhere: Author = { identity: await generateIdentity(), ops: [], wall: 1_000 };
    const created = (id: string, parentId: string | null) =>
      appendOp(elsewhere, {
        org: 'org-elsewhere',
        actor: OWNER,
        kind: 'org.created',
        entity: id,
        payload: { id, parentId, slug: id, name: id, description: '' } as never,
      });
    created('org-elsewhere', null);
    created('dept-of-another-log', 'org-elsewhere');
    expect((await deliver(other, 'org-elsewhere', [elsewhere.ops])).held.length).toBe(2);
    for (const gw of [other, bare]) {
      const on = await deliver(gw, ORG, [g1.ops, g2.ops]);
      expect(on.held).toContain(inOwnDept.id);
      expect(on.held).not.toContain(across.id);
      expect(on.refused).toEqual(['wiki.revision']);
    }
  }, 60_000);

  it('refuses an op whose payload fails its schema before judging it, and takes the rest', async () => {
    const { g1, g2, write, rename } = await setting();
    const bad = write(g2, OWNER, 'org.created', 'dept', null);
    const gw = await startTestGateway();
    gateways.push(gw);
    const result = await gw.gateway.app
      .get(OpLogService)
      .ingest([...g1.ops, ...g2.ops], { authority: (tx) => new OpJudge(tx) });
    expect(result.rejected.map((r) => [r.id, r.reason.split(' ')[0]])).toEqual([[bad.id, 'payload']]);
    expect(result.applied.length).toBe(g1.ops.length);
    // The run after the bad op waits, as any run cut by a refusal; g1's ops are all in.
    const renamed = rename(g1, 'still taking ops');
    const again = await gw.gateway.app
      .get(OpLogService)
      .ingest([renamed], { authority: (tx) => new OpJudge(tx) });
    expect(again.applied.map((op) => op.id)).toEqual([renamed.id]);
  }, 60_000);
});
