/**
 * Cancelling gateway invites across real gateways: an admin calls off an
 * unused invite on any gateway hosting the organisation; its issuer refuses
 * the code once it holds the cancellation, and every gateway shows the same
 * status, including when the issuer redeemed the code before it heard.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeInviteCode } from '../../apps/gateway/src/mesh/admission/invite-code.util.js';
import { MeshNodeService } from '../../apps/gateway/src/mesh/node/mesh-node.service.js';
import type { GraphQLClient } from '../support/graphql-client.js';
import {
  converged,
  createOrganization,
  inviteCode,
  join,
  type MeshGateway,
  opCount,
  startMeshGateways,
  stopAll,
  until,
} from './support/mesh-fixture.js';

const LIST = 'query ($o: ID!) { gatewayInvites(orgId: $o) { inviteId status usedBy } }';
const CANCEL = 'mutation ($i: CancelGatewayInviteInput!) { cancelGatewayInvite(input: $i) }';
const JOIN = 'mutation ($c: String!) { joinOrganization(code: $c) { orgId } }';

describe('cancelling gateway invites', () => {
  let gws: MeshGateway[] = [];
  let orgId: string;
  /** The organisation's owner, logged in on b. */
  let ownerOnB: GraphQLClient;

  beforeAll(async () => {
    gws = await startMeshGateways(3, 'ic');
    const [a, b] = gws;
    orgId = await createOrganization(a.operator, 'heath');
    await join(b, await inviteCode(a.operator, orgId));
    ownerOnB = b.client();
    await ownerOnB.logIn('ic0-operator');
  }, 60_000);
  afterAll(() => stopAll(gws), 60_000);

  const statusAt = async (admin: GraphQLClient, invite: string) =>
    ((await admin.gql(LIST, { o: orgId })).gatewayInvites as { inviteId: string; status: string }[]).find(
      (i) => i.inviteId === invite,
    );
  /** An invite issued at a, once b holds it too. */
  const issuedAtA = async () => {
    const code = await inviteCode(gws[0].operator, orgId);
    const { invite } = decodeInviteCode(code);
    await until(
      async () => (await statusAt(ownerOnB, invite))?.status === 'pending',
      10_000,
      'the invite at b',
    );
    return { code, invite };
  };

  it('cancels an unused invite from a co-host: its issuer refuses the code, and cancelling again writes nothing', async () => {
    const [a, b, c] = gws;
    const { code, invite } = await issuedAtA();
    expect(await ownerOnB.gql(CANCEL, { i: { orgId, inviteId: invite } })).toEqual({
      cancelGatewayInvite: true,
    });
    await until(
      async () => (await statusAt(a.operator, invite))?.status === 'cancelled',
      10_000,
      'a to hear',
    );
    expect(await c.operator.failure(JOIN, { c: code })).toBe('CONFLICT');
    expect(await statusAt(a.operator, invite)).toEqual({
      inviteId: invite,
      status: 'cancelled',
      usedBy: null,
    });
    const before = await opCount(b, orgId);
    expect(await ownerOnB.gql(CANCEL, { i: { orgId, inviteId: invite } })).toEqual({
      cancelGatewayInvite: true,
    });
    expect(await opCount(b, orgId)).toBe(before);
  });

  it('refuses to cancel a used invite, an unknown one, or for someone who is not an admin', async () => {
    const [a] = gws;
    const invites = (await a.operator.gql(LIST, { o: orgId })).gatewayInvites as {
      inviteId: string;
      status: string;
    }[];
    const used = invites.find((i) => i.status === 'used');
    expect(used).toBeDefined();
    expect(await a.operator.failure(CANCEL, { i: { orgId, inviteId: used!.inviteId } })).toBe('CONFLICT');
    expect(await a.operator.failure(CANCEL, { i: { orgId, inviteId: 'no-such-invite' } })).toBe('NOT_FOUND');
    const outsider = a.client();
    await outsider.signUp('ic-outsider');
    const { invite } = await issuedAtA();
    expect(await outsider.failure(CANCEL, { i: { orgId, inviteId: invite } })).toMatch(/FORBIDDEN|NOT_FOUND/);
    expect(await outsider.failure(LIST, { o: orgId })).toMatch(/FORBIDDEN|NOT_FOUND/);
    expect((await statusAt(a.operator, invite))?.status).toBe('pending');
  });

  it('leaves an invite used when its issuer redeemed it before it heard of the cancellation, on every gateway', async () => {
    const [a, b, c] = gws;
    const { code, invite } = await issuedAtA();
    // b, cut off, cancels; a has not heard and takes the code.
    const meshOfB = b.gateway.app.get(MeshNodeService);
    await meshOfB.stop();
    try {
      await ownerOnB.gql(CANCEL, { i: { orgId, inviteId: invite } });
      expect((await join(c, code)).orgId).toBe(orgId);
    } finally {
      await meshOfB.start();
    }
    await converged(gws, orgId);
    for (const admin of [a.operator, ownerOnB])
      expect(await statusAt(admin, invite)).toEqual({ inviteId: invite, status: 'used', usedBy: c.peerId });
  });
});
