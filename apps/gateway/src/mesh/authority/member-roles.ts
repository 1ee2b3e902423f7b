/**
 * What the log says of accounts' roles, for OpJudge: the organisation role
 * an account holds as of a place in the order (given by `member.role`, or
 * by an invite it redeemed, or by creating the organisation), whether it
 * held one at any point (void ops included: see DESIGN.md on refusals), and
 * custom workflow roles granted to it. Reads through the judge's OpHistory.
 */
import type { Op } from '@gatehouse/mesh';
import type { EntityManager } from 'typeorm';
import { type OpRow, opFromRow } from '../../oplog/op-row.js';
import { isRole, type Role, roleAtLeast, strongest } from '../../orgs/roles.js';
import { before, type OpHistory, type Position } from './op-history.js';

/** The organisation's creation this log is anchored on: its gateway, its account (the first owner), its place. */
export interface Creation {
  readonly gateway: string;
  readonly actor: string | null;
  readonly at: Position;
}

/** The role a `member.role` op gives, or null for 'none' and anything unknown. */
function roleGiven(op: Op): Role | null {
  const role = (op.payload as Record<string, unknown>).role;
  return isRole(role) ? role : null;
}

export class MemberRoles {
  constructor(
    private readonly tx: EntityManager,
    private readonly log: OpHistory,
  ) {}

  /** Whether `account` was granted one of the custom `roles` in `orgId` or above it: as of `at`, or ever (null). */
  async holdsCustomRole(
    op: Op,
    orgId: string,
    account: string,
    roles: readonly string[],
    at: Position | null,
  ): Promise<boolean> {
    for (const org of await this.log.chain(orgId, op.org)) {
      for (const role of roles) {
        const entity = `${org}/${account}/${role}`;
        const grants = at
          ? [await this.log.latest(op.org, 'workflow.roleGranted', entity, at)]
          : await this.log.ever(op.org, 'workflow.roleGranted', entity);
        if (grants.some((g) => (g?.payload as Record<string, unknown> | undefined)?.granted === true))
          return true;
      }
    }
    return false;
  }

  /**
   * Whether the log shows `op`'s actor holding `role` in `where` (or above it)
   * at any point, before or after the op: by creating the organisation, by a
   * role given, or by an invite redeemed.
   */
  async everHeld(op: Op, role: Role, where: string, creation: Creation): Promise<boolean> {
    const actor = op.actor!;
    if (actor === creation.actor) return true;
    const chain = await this.log.chain(where, op.org);
    for (const org of chain) {
      const given = await this.log.ever(op.org, 'member.role', `${org}/${actor}`);
      if (given.some((g) => roleAtLeast(roleGiven(g), role))) return true;
    }
    const invites = await this.redeemedInvites(op.org, actor);
    return invites.some((ip) => chain.includes(String(ip.orgId)) && roleAtLeast(ip.role as Role, role));
  }

  /** Whether `actor` redeemed, before `op` (or `ever`, void redemptions too), an invite into `orgId` for at least `role`. */
  async joinedByInvite(
    op: Op,
    orgId: string,
    actor: string,
    role: Role,
    { ever = false } = {},
  ): Promise<boolean> {
    const invites = await this.redeemedInvites(op.org, actor, ever ? undefined : op);
    return invites.some((ip) => ip.orgId === orgId && roleAtLeast(ip.role as Role, role));
  }

  /** The invites `actor` redeemed (before `at`, when given), each as it stood when redeemed. */
  private async redeemedInvites(
    root: string,
    actor: string,
    at?: Position,
  ): Promise<Record<string, unknown>[]> {
    // Without `at`: ever, so void redemptions and invites count too.
    const rows: OpRow[] = await this.tx.query(
      `SELECT * FROM ${at ? 'op' : 'op_chain'} WHERE org = ? AND kind = 'invite.redeemed' ORDER BY hlc, author, seq`,
      [root],
    );
    const out: Record<string, unknown>[] = [];
    for (const redeemed of rows.map(opFromRow)) {
      if (redeemed.actor !== actor || (at && !before(redeemed, at))) continue;
      const inviteId = String((redeemed.payload as Record<string, unknown>).inviteId);
      const invite = at
        ? await this.log.latest(root, 'invite.created', inviteId, at)
        : (await this.log.ever(root, 'invite.created', inviteId)).findLast((i) => before(i, redeemed));
      if (invite) out.push(invite.payload as Record<string, unknown>);
    }
    return out;
  }

  /** The actor's effective role in `orgId` (or its parents) as of `at`. */
  async roleAt(
    root: string,
    orgId: string,
    account: string,
    at: Position,
    creation: Creation,
  ): Promise<Role | null> {
    const roles: (Role | null)[] = [];
    let rootRoleSet = false;
    for (const org of await this.log.chain(orgId, root)) {
      const last = await this.log.latest(root, 'member.role', `${org}/${account}`, at);
      if (org === root && last) rootRoleSet = true;
      roles.push(last ? roleGiven(last) : null);
    }
    // The account that created the organisation owns it until a role op says otherwise.
    if (!rootRoleSet && account === creation.actor && before(creation.at, at)) roles.push('owner');
    return strongest(roles);
  }
}
