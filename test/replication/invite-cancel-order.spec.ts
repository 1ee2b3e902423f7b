/**
 * A gateway invite's cancellation, written on another gateway, may reach a
 * third one before the invite itself: the invite then shows as cancelled
 * all the same, with the same state hash as where they came in log order.
 */
import { generateIdentity } from '@gatehouse/mesh';
import { afterAll, describe, expect, it } from 'vitest';
import { StateHashService } from '../../apps/gateway/src/oplog/state-hash.service.js';
import { type Author, appendOp } from '../foundation/op-generator.js';
import { removeDir, startTestGateway, type TestGateway } from '../support/gateway-harness.js';
import { deliver } from './support/deliver.js';

const ORG = 'org-cancel-order';
const OWNER = 'acc-owner';

describe('a gateway invite cancelled on another gateway', () => {
  const gateways: TestGateway[] = [];
  afterAll(async () => {
    for (const gw of gateways) {
      await gw.close();
      removeDir(gw.dataDir);
    }
  });

  it('shows cancelled, with the same state hash, whether the invite or the cancellation arrives first', async () => {
    const author = async (wall: number): Promise<Author> => ({
      identity: await generateIdentity(),
      ops: [],
      wall,
    });
    const [g1, g2] = [await author(1_000), await author(5_000)];
    const write = (a: Author, kind: string, entity: string, payload: unknown) =>
      appendOp(a, { org: ORG, actor: OWNER, kind, entity, payload: payload as never });
    write(g1, 'org.created', ORG, { id: ORG, parentId: null, slug: 'c', name: 'C', description: '' });
    write(g1, 'gateway.invited', 'inv2', { inviteId: 'inv2', secretHash: 'a'.repeat(64), expiresAt: 9e12 });
    write(g1, 'gateway.admitted', g2.identity.peerId, { peerId: g2.identity.peerId, inviteId: 'inv2' });
    const invite = write(g1, 'gateway.invited', 'inv3', {
      inviteId: 'inv3',
      secretHash: 'b'.repeat(64),
      expiresAt: 9e12,
    });
    const cancellation = write(g2, 'gateway.inviteCancelled', 'inv3', { inviteId: 'inv3' });

    const [inOrder, cancelFirst] = await Promise.all([startTestGateway(), startTestGateway()]);
    gateways.push(inOrder, cancelFirst);
    await deliver(inOrder, ORG, [g1.ops, g2.ops]);
    // g1's chain up to g2's admission, then g2's cancellation, then the invite it is about.
    const upToAdmission = g1.ops.filter((op) => op !== invite);
    const late = await deliver(cancelFirst, ORG, [upToAdmission, [cancellation], [invite]]);
    expect(late.refused).toEqual([]);
    for (const gw of [inOrder, cancelFirst]) {
      const [row] = await gw.gateway.dataSource.query(
        'SELECT cancelled_stamp FROM gateway_invite WHERE id = ?',
        ['inv3'],
      );
      expect(row.cancelled_stamp).not.toBeNull();
    }
    const hash = (gw: TestGateway) => gw.gateway.app.get(StateHashService).stateHash(ORG);
    expect(await hash(cancelFirst)).toBe(await hash(inOrder));
  }, 60_000);
});
