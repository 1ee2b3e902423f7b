/**
 * Admission across real gateways: an organisation admin invites a gateway,
 * its operator joins with the code, the organisation's log records the
 * admission (signed), accounts work on the new gateway, and a revoked
 * gateway is shut out.
 */

import { generateIdentity } from '@gatehouse/mesh';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayInvitesService } from '../../apps/gateway/src/mesh/admission/gateway-invites.service.js';
import { decodeInviteCode } from '../../apps/gateway/src/mesh/admission/invite-code.util.js';
import { MeshNodeService } from '../../apps/gateway/src/mesh/node/mesh-node.service.js';
import { OpLogService } from '../../apps/gateway/src/oplog/oplog.service.js';
import {
  converged,
  createOrganization,
  inviteCode,
  join,
  type MeshGateway,
  opCount,
  page,
  savePage,
  startMeshGateways,
  stateHash,
  stopAll,
  syncOf,
  until,
} from './support/mesh-fixture.js';

describe('gateway admission', () => {
  let gws: MeshGateway[] = [];
  let orgId: string;

  beforeAll(async () => {
    gws = await startMeshGateways(3, 'adm');
    orgId = await createOrganization(gws[0].operator, 'valley');
  }, 60_000);
  afterAll(() => stopAll(gws), 60_000);

  it('admits a gateway by invite code: the log records it, signed by the inviter, and the log replicates', async () => {
    const [a, b] = gws;
    await savePage(a.operator, orgId, 'home', 'Welcome to the valley');
    const code = await inviteCode(a.operator, orgId);
    expect(code).toMatch(/^ghg1\./);
    const joined = await join(b, code);
    expect(joined.orgId).toBe(orgId);
    expect(joined.ops).toBeGreaterThan(3);
    await converged([a, b], orgId);
    const { admittedGateways } = await a.operator.gql(
      'query ($o: ID!) { admittedGateways(orgId: $o) { peerId status isThisGateway } }',
      { o: orgId },
    );
    expect(admittedGateways).toEqual(
      expect.arrayContaining([
        { peerId: a.peerId, status: 'admitted', isThisGateway: true },
        { peerId: b.peerId, status: 'admitted', isThisGateway: false },
      ]),
    );
    const [row] = await a.gateway.dataSource.query(
      `SELECT author FROM op WHERE org = ? AND kind = 'gateway.admitted' AND entity = ?`,
      [orgId, b.peerId],
    );
    expect(row.author).toBe(a.peerId);
  });

  it('shows sync state and lag per organisation and peer over GraphQL and /metrics', async () => {
    const [a, b] = gws;
    await converged([a, b], orgId);
    await syncOf(b).pull(a.peerId, orgId);
    // An announced change may start another pull meanwhile: wait until none runs.
    let syncStates: { peerId: string; status: string }[] = [];
    await until(
      async () => {
        ({ syncStates } = await b.operator.gql(
          'query ($o: ID) { syncStates(orgId: $o) { orgId peerId status behind lagSeconds lastSuccessAt opsReceived } }',
          { o: orgId },
        ));
        return syncStates.some((s) => s.peerId === a.peerId && s.status === 'idle');
      },
      10_000,
      'the pull from a to end',
    );
    expect(syncStates).toContainEqual(
      expect.objectContaining({
        orgId,
        peerId: a.peerId,
        status: 'idle',
        behind: 0,
        lagSeconds: expect.any(Number),
      }),
    );
    const metrics = await (await fetch(`${b.url}/metrics`)).text();
    expect(metrics).toContain(`gatehouse_sync_behind_ops{org="${orgId}",peer="${a.peerId}"} 0`);
    expect(metrics).toMatch(
      new RegExp(`gatehouse_sync_last_success_timestamp_seconds\\{org="${orgId}",peer="${a.peerId}"\\} \\d`),
    );
    expect(metrics).toMatch(/gatehouse_mesh_peers [1-9]/);
    // b's operator is no member of the organisation, and sees its gateways all the same.
    const { admittedGateways } = await b.operator.gql(
      'query ($o: ID!) { admittedGateways(orgId: $o) { peerId status } }',
      { o: orgId },
    );
    expect(admittedGateways).toContainEqual({ peerId: b.peerId, status: 'admitted' });
  });

  it('lets a member log in on every gateway that hosts one of their organisations', async () => {
    const [, b] = gws;
    // The organisation's owner signed up on gateway a; the account came to b in the log.
    const onB = b.client();
    const id = await onB.logIn('adm0-operator');
    const { organizations } = await onB.gql('{ organizations { id } }');
    expect(organizations.map((o: { id: string }) => o.id)).toContain(orgId);
    expect(id).toBeTruthy();
    // Any member sees the connections and the organisation's last sync, for the status bar.
    const { connectivity } = await onB.gql(
      'query ($o: ID) { connectivity(orgId: $o) { region running peersConnected orgLastSyncedAt } }',
      { o: orgId },
    );
    expect(connectivity).toMatchObject({ region: 'default', running: true });
    expect(connectivity.peersConnected).toBeGreaterThanOrEqual(1);
    expect(Date.parse(connectivity.orgLastSyncedAt)).toBeGreaterThan(0);
  });

  it("remembers an organisation's last sync while the mesh is down", async () => {
    const [, b] = gws;
    const query = 'query ($o: ID) { connectivity(orgId: $o) { running orgLastSyncedAt } }';
    // The organisation's owner, logged in on b.
    const owner = b.client();
    await owner.logIn('adm0-operator');
    const before = Date.now();
    await syncOf(b).pull(gws[0].peerId, orgId);
    await b.gateway.app.get(MeshNodeService).stop();
    try {
      const { connectivity } = await owner.gql(query, { o: orgId });
      expect(connectivity.running).toBe(false);
      // Written down at most every 10 s: the last note is no older than that.
      expect(Date.parse(connectivity.orgLastSyncedAt)).toBeGreaterThan(before - 11_000);
    } finally {
      await b.gateway.app.get(MeshNodeService).start();
    }
  });

  it('redeems an invite only at the gateway that issued it, not at a co-host holding its copy', async () => {
    const [a, b] = gws;
    const code = decodeInviteCode(await inviteCode(a.operator, orgId));
    const held = async () =>
      (await b.gateway.dataSource.query('SELECT 1 FROM gateway_invite WHERE id = ?', [code.invite])).length >
      0;
    await until(held, 10_000, 'the invite replicated to the co-host');
    // Someone holding the code (a leaked copy) tries it where the first redemption may not have arrived.
    const stranger = (await generateIdentity()).peerId;
    const redemption = { org: code.org, invite: code.invite, secret: code.secret, peer: stranger };
    expect(await b.gateway.app.get(GatewayInvitesService).redeem(redemption)).toBe('invalid');
    const admitted = await b.gateway.dataSource.query(
      `SELECT 1 FROM op WHERE org = ? AND kind = 'gateway.admitted' AND entity = ?`,
      [orgId, stranger],
    );
    expect(admitted).toEqual([]);
  });

  it('takes an invite code once only (a retry by the same gateway is answered again)', async () => {
    const [a, b, c] = gws;
    const code = await inviteCode(a.operator, orgId);
    await join(c, code);
    const mutation = 'mutation ($c: String!) { joinOrganization(code: $c) { orgId } }';
    expect(await b.operator.failure(mutation, { c: code })).toBe('CONFLICT');
    expect((await join(c, code)).orgId).toBe(orgId);
  });

  it('refuses joins from someone who is not the operator, and invites from non-admins', async () => {
    const [a, b] = gws;
    const code = await inviteCode(a.operator, orgId);
    const stranger = b.client();
    await stranger.signUp('adm-stranger');
    expect(
      await stranger.failure('mutation ($c: String!) { joinOrganization(code: $c) { orgId } }', { c: code }),
    ).toBe('FORBIDDEN');
    const outsider = a.client();
    await outsider.signUp('adm-outsider');
    expect(
      await outsider.failure('mutation ($i: InviteGatewayInput!) { inviteGateway(input: $i) { code } }', {
        i: { orgId },
      }),
    ).toMatch(/FORBIDDEN|NOT_FOUND/);
  });

  it('revokes a gateway: its later ops never take effect, peers take nothing from it, and it learns of it', async () => {
    const [a, b, c] = gws;
    await converged(gws, orgId);
    // c is cut off while it is revoked, so it writes before it can hear of it.
    const meshOfC = c.gateway.app.get(MeshNodeService);
    await meshOfC.stop();
    await a.operator.gql('mutation ($i: RevokeGatewayInput!) { revokeGateway(input: $i) }', {
      i: { orgId, peerId: c.peerId },
    });
    await until(
      async () =>
        (
          await b.gateway.dataSource.query(
            'SELECT status FROM gateway_admission WHERE org_id = ? AND peer_id = ?',
            [orgId, c.peerId],
          )
        )[0]?.status === 'revoked',
      15_000,
      'revocation to reach b',
    );
    const hashes = [await stateHash(a, orgId), await stateHash(b, orgId)];
    // c still holds the log and writes to it; nobody takes those writes.
    const onC = c.client();
    await onC.logIn('adm0-operator');
    await savePage(onC, orgId, 'from-c', 'written after revocation');
    await meshOfC.start();
    await until(() => syncOf(c).connectedPeers().includes(b.peerId), 10_000, 'c to reconnect');
    // b asks c directly (sync never would). c was admitted once, so its new op is kept as a
    // void link of its chain (ops it wrote before hearing of the revocation must not cut it
    // off); it is never applied.
    await syncOf(b).pull(c.peerId, orgId);
    const voided = await b.gateway.app.get(OpLogService).voidOpsOf(orgId);
    expect(voided.map((v) => v.reason.split(' ')[0])).toContain('not-admitted');
    expect(voided.every((v) => v.op.author === c.peerId)).toBe(true);
    const metrics = await (await fetch(`${b.url}/metrics`)).text();
    expect(metrics).toMatch(/gatehouse_oplog_ops_voided_total\{reason="not-admitted"\} [1-9]/);
    // b passes the void link on to a like any other op of the chain; neither applies it.
    await until(
      async () => (await opCount(a, orgId)) === (await opCount(b, orgId)),
      15_000,
      'a and b to hold the same ops',
    );
    expect([await stateHash(a, orgId), await stateHash(b, orgId)]).toEqual(hashes);
    expect((await a.gateway.app.get(OpLogService).voidOpsOf(orgId)).map((v) => v.op.id)).toEqual(
      voided.map((v) => v.op.id),
    );

    // c learns of its revocation: a serves it the log up to there, and nothing written after.
    await savePage(a.operator, orgId, 'after-revocation', 'not for c');
    expect(await syncOf(c).pull(a.peerId, orgId)).toMatchObject({ refusedWith: null });
    const [self] = await c.gateway.dataSource.query(
      'SELECT status FROM gateway_admission WHERE org_id = ? AND peer_id = ?',
      [orgId, c.peerId],
    );
    expect(self.status).toBe('revoked');
    expect(await page(onC, orgId, 'after-revocation')).toBeNull();
    // Its own edit after the revocation turns void there too (once the late revocation is
    // reconciled, just after its commit), as everywhere.
    await until(async () => (await page(onC, orgId, 'from-c')) === null, 10_000, "c's own edit to turn void");
    // From now on its copy is read-only, and it admits no one: a gateway joining through it
    // would sit in a copy nobody syncs with.
    await expect(savePage(onC, orgId, 'later', 'refused')).rejects.toThrow(/its copy is read-only/);
    await expect(inviteCode(onC, orgId)).rejects.toThrow(/revoked from the organisation/);
  });

  it('admits a revoked gateway again only with an invite issued after the revocation', async () => {
    const [a, , c] = gws;
    const revoke = (peerId: string) =>
      a.operator.gql('mutation ($i: RevokeGatewayInput!) { revokeGateway(input: $i) }', {
        i: { orgId, peerId },
      });
    const status = async () =>
      (
        await a.gateway.dataSource.query(
          'SELECT status FROM gateway_admission WHERE org_id = ? AND peer_id = ?',
          [orgId, c.peerId],
        )
      )[0]?.status;
    // c was revoked above; an invite issued since admits it again.
    expect(await status()).toBe('revoked');
    await join(c, await inviteCode(a.operator, orgId));
    expect(await status()).toBe('admitted');

    // An invite issued before a revocation does not undo it.
    const earlier = await inviteCode(a.operator, orgId);
    await revoke(c.peerId);
    const before = await opCount(a, orgId);
    await expect(join(c, earlier)).rejects.toThrow(/revoked since it was issued/);
    expect(await status()).toBe('revoked');
    expect(await opCount(a, orgId)).toBe(before);

    // Revoking again, or a gateway never admitted, is refused and writes nothing.
    for (const peerId of [c.peerId, (await generateIdentity()).peerId])
      await expect(revoke(peerId)).rejects.toThrow(/not admitted to this organisation/);
    expect(await opCount(a, orgId)).toBe(before);
  });
});
