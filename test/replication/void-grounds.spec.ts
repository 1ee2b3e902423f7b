/**
 * An op whose authority rests on an op that turns out void: an admin, demoted
 * on one gateway, concurrently grants a custom role, publishes a workflow
 * version or gives an organisation role on another, and a member acts on it
 * there. Two gateways receiving the same ops in opposite orders (the
 * demotion first, or last) must end holding the same ops, with the member's
 * op kept void on both, and the rest of that gateway's chain everywhere.
 */
import { generateIdentity, type Op } from '@gatehouse/mesh';
import { afterAll, describe, expect, it } from 'vitest';
import { type Author, appendOp } from '../foundation/op-generator.js';
import { removeDir, startTestGateway, type TestGateway } from '../support/gateway-harness.js';
import { PURCHASE_REQUEST } from '../workflows/org-fixture.js';
import { deliver } from './support/deliver.js';

const ORG = 'org-void-grounds';
const [OWNER, ADMIN, MEMBER] = ['acc-owner', 'acc-admin', 'acc-member'];
const GROUNDS = ['custom role', 'workflow version', 'organisation role'] as const;
type Ground = (typeof GROUNDS)[number];

const majority = (decisionId: string, voterRoles: string[]) => ({
  orgId: ORG,
  decisionId,
  title: decisionId,
  description: '',
  method: 'majority',
  options: [
    { id: 'o1', label: 'A' },
    { id: 'o2', label: 'B' },
  ],
  voterRoles,
  quorum: 1,
  deadline: 9e12,
});

/** g1 holds the organisation and demotes the admin; g2, not having heard, lets the admin act and the member rely on it. */
async function race(ground: Ground) {
  const g1: Author = { identity: await generateIdentity(), ops: [], wall: 1_000 };
  const g2: Author = { identity: await generateIdentity(), ops: [], wall: 6_000 };
  const write = (a: Author, actor: string, kind: string, entity: string, payload: Record<string, unknown>) =>
    appendOp(a, { org: ORG, actor, kind, entity, payload: payload as never });
  write(g1, OWNER, 'org.created', ORG, { id: ORG, parentId: null, slug: 'v', name: 'V', description: '' });
  write(g1, OWNER, 'member.role', `${ORG}/${ADMIN}`, { orgId: ORG, accountId: ADMIN, role: 'admin' });
  const memberRole = ground === 'organisation role' ? 'viewer' : 'member';
  write(g1, OWNER, 'member.role', `${ORG}/${MEMBER}`, { orgId: ORG, accountId: MEMBER, role: memberRole });
  write(g1, OWNER, 'gateway.invited', 'inv', {
    inviteId: 'inv',
    secretHash: 'a'.repeat(64),
    expiresAt: 9e12,
  });
  write(g1, OWNER, 'gateway.admitted', g2.identity.peerId, { peerId: g2.identity.peerId, inviteId: 'inv' });
  write(g1, OWNER, 'decision.created', 'keys', majority('keys', ['treasurer']));
  // Placed before everything g2 writes: g2's clock is ahead.
  g1.wall = 5_000;
  const demotion = write(g1, OWNER, 'member.role', `${ORG}/${ADMIN}`, {
    orgId: ORG,
    accountId: ADMIN,
    role: 'member',
  });
  let resting: Op;
  if (ground === 'custom role') {
    write(g2, ADMIN, 'workflow.roleGranted', `${ORG}/${MEMBER}/treasurer`, {
      orgId: ORG,
      accountId: MEMBER,
      role: 'treasurer',
      granted: true,
    });
    resting = write(g2, MEMBER, 'decision.voted', `keys/${MEMBER}`, {
      orgId: ORG,
      decisionId: 'keys',
      choices: ['o1'],
      reason: '',
    });
  } else if (ground === 'workflow version') {
    write(g2, ADMIN, 'workflow.published', 'wf', {
      orgId: ORG,
      workflowId: 'wf',
      versionId: 'v1',
      key: PURCHASE_REQUEST.key,
      version: 1,
      definition: JSON.parse(JSON.stringify({ ...PURCHASE_REQUEST, version: 1 })),
      startRoles: ['member'],
    });
    resting = write(g2, MEMBER, 'workflow.itemStarted', 'item', {
      orgId: ORG,
      itemId: 'item',
      workflowId: 'wf',
      versionId: 'v1',
      title: 'Seeds',
      data: { amount: 5, reason: 'sowing' },
    });
  } else {
    write(g2, ADMIN, 'member.role', `${ORG}/${MEMBER}`, { orgId: ORG, accountId: MEMBER, role: 'member' });
    resting = write(g2, MEMBER, 'decision.created', 'well', majority('well', ['member']));
  }
  const later = write(g2, OWNER, 'decision.closed', 'keys', { orgId: ORG, decisionId: 'keys' });
  return { g1, g2, demotion, resting, later };
}

describe('ops resting on authority that turns out void', () => {
  const gateways: TestGateway[] = [];
  afterAll(async () => {
    for (const gw of gateways) {
      await gw.close();
      removeDir(gw.dataDir);
    }
  });

  for (const ground of GROUNDS) {
    it(`keeps a member's op resting on a void ${ground} void whatever the arrival order`, async () => {
      const { g1, g2, demotion, resting, later } = await race(ground);
      const [late, early] = await Promise.all([startTestGateway(), startTestGateway()]);
      gateways.push(late, early);
      // One hears of the demotion last, the other first.
      const onLate = await deliver(late, ORG, [g1.ops.filter((op) => op !== demotion), g2.ops, [demotion]]);
      const onEarly = await deliver(early, ORG, [g1.ops, g2.ops]);
      for (const on of [onLate, onEarly]) {
        expect(on.refused).toEqual([]);
        expect(on.held).toContain(later.id);
        expect(on.voided).toContain(resting.id);
      }
      expect(onEarly.held).toEqual(onLate.held);
      expect(onEarly.voided).toEqual(onLate.voided);
    }, 60_000);
  }
});
