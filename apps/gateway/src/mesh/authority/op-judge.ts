/**
 * Authority of ops, as of each op's own place in the log order (DESIGN.md,
 * "authority"): its author gateway must be admitted to the organisation, and
 * its actor must hold the role the op needs, both judged from the effective
 * ops the log holds before it. The organisation's creating gateway is
 * admitted by its creation; the creating account is its first owner.
 *
 * Verdicts. An op whose gateway or actor this log has never seen hold the
 * authority it needs is refused: not stored, and asked for again by the next
 * pull, when the admission or role it rests on may have arrived (or never,
 * if it was forged). An op whose gateway or actor held that authority at
 * some point, but not as of the op's place (a revocation or demotion the
 * author had not heard of), is kept void: stored as a link of its author's
 * chain, never applied. Refusing it would cut off every later op of that
 * gateway, on every receiver, for good.
 *
 * One judge serves one transaction. It reads the history it needs from the
 * op table (effective ops, indexed by org, kind, entity) and caches it,
 * folding in each verdict as it is given.
 */
import { compareOps, type Op } from '@gatehouse/mesh';
import type { EntityManager } from 'typeorm';
import { NOT_ADMITTED } from '../../oplog/authority-reconciler.js';
import type { OpAuthority, Verdict } from '../../oplog/oplog.service.js';
import { isRole, ROLES, type Role, roleAtLeast } from '../../orgs/roles.js';
import { DESIGNER_ROLE } from '../../workflows/custom-roles.js';
import { DEFAULT_KIND_ROLE, KIND_ROLES, targetOrg } from './authority-rules.js';
import { type Creation, MemberRoles } from './member-roles.js';
import { before, OpHistory, type Position } from './op-history.js';

/** Why an actor may not do what an op does, and the role that would have allowed it. */
interface Denial {
  readonly reason: string;
  readonly needs?: { readonly role: Role; readonly where: string };
  /** Already known: whether the actor held what the op needs at some point (then it is kept void). */
  readonly everHeld?: boolean;
}

/** A list of strings in a payload, or none: a void op was checked against its schema only. */
function stringList(payload: unknown, key: string): string[] {
  const value = (payload as Record<string, unknown> | null)?.[key];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The roles of a transition in a published version (none if the version does not define it). */
function transitionRoles(version: Op, transitionId: string): string[] {
  const definition = (version.payload as Record<string, unknown>).definition as Record<
    string,
    unknown
  > | null;
  const transitions = Array.isArray(definition?.transitions) ? definition.transitions : [];
  const t = transitions.find((x) => (x as Record<string, unknown> | null)?.id === transitionId);
  return t ? stringList(t, 'roles') : [];
}

/** Who may publish workflows and migrate items (WorkflowDefinitionsService.requireDesigner). */
const DESIGNERS = ['admin', DESIGNER_ROLE];
const orgOf = (op: Op) => (op.payload as Record<string, unknown>).orgId;

export { NOT_ADMITTED };
export const NO_ROLE = 'no-role';
export const NOT_IN_LOG = 'not-in-log';

export class OpJudge implements OpAuthority {
  private readonly creations = new Map<string, Creation | null>();
  private readonly log: OpHistory;
  private readonly roles: MemberRoles;

  constructor(private readonly tx: EntityManager) {
    this.log = new OpHistory(tx);
    this.roles = new MemberRoles(tx, this.log);
  }

  async judge(op: Op): Promise<Verdict> {
    const p = op.payload as Record<string, unknown>;
    if (op.kind === 'org.created' && p.parentId === null) {
      const reason = await this.judgeCreation(op);
      return reason ? { reason, keep: false } : null;
    }
    const creation = await this.creation(op.org);
    if (!creation)
      return { reason: `${NOT_ADMITTED} (the organisation's creation is not held)`, keep: false };
    if (before(op, creation.at))
      return { reason: `${NOT_ADMITTED} (before the organisation's creation)`, keep: false };
    const admitted = await this.admitted(op.org, op.author, op, creation);
    const notAdmitted = `${NOT_ADMITTED} (gateway ${op.author} is not admitted here)`;
    if (!admitted && !(await this.everAdmitted(op.org, op.author, creation)))
      return { reason: notAdmitted, keep: false };
    // Another log's department, or one not created yet: a peer must not reach across logs.
    const where = targetOrg(op);
    if (where !== op.org && !(await this.log.ever(op.org, 'org.created', where)).length)
      return { reason: `${NOT_IN_LOG} (organisation ${where} is not created in this log)`, keep: false };
    // Judged even for a gateway admitted once but not now: whether that admission is in effect can
    // change as ops arrive, and a refusal must not depend on it.
    const denial = await this.judgeActor(op, p, creation);
    if (denial && !(await this.keeps(op, denial, creation))) return { reason: denial.reason, keep: false };
    if (!admitted) return { reason: notAdmitted, keep: true };
    return denial ? { reason: denial.reason, keep: true } : null;
  }

  /** A denied op is kept void, not refused, if the actor held what it needs at some point. */
  private async keeps(op: Op, denial: Denial, creation: Creation): Promise<boolean> {
    return (
      denial.everHeld ??
      (!!denial.needs && (await this.roles.everHeld(op, denial.needs.role, denial.needs.where, creation)))
    );
  }

  applied(op: Op): void {
    this.log.noteApplied(op);
    if (op.kind === 'org.created') this.creations.delete(op.org);
  }

  voided(op: Op): void {
    this.log.noteVoided(op);
    if (op.kind === 'org.created') this.creations.delete(op.org);
  }

  /** Void admissions count: whether one is void can depend on ops that have not arrived yet. */
  private async everAdmitted(org: string, gateway: string, creation: Creation): Promise<boolean> {
    return gateway === creation.gateway || (await this.log.ever(org, 'gateway.admitted', gateway)).length > 0;
  }

  /**
   * Only the creation this gateway anchored the log on counts (org_anchor):
   * its place in the order is its author's choice, so a backdated one must
   * not displace it. The first one applied becomes the anchor (OrgsProjection),
   * so without one no creation is held yet.
   */
  private async judgeCreation(op: Op): Promise<string | null> {
    const [anchor]: { creation_id: string }[] = await this.tx.query(
      'SELECT creation_id FROM org_anchor WHERE org_id = ?',
      [op.org],
    );
    return !anchor || anchor.creation_id === op.id
      ? null
      : `${NOT_ADMITTED} (organisation created by another op)`;
  }

  private async judgeActor(op: Op, p: Record<string, unknown>, creation: Creation): Promise<Denial | null> {
    const actor = op.actor;
    if (!actor) return { reason: `${NO_ROLE} (ops from other gateways must name their actor)` };
    const org = targetOrg(op);
    const need = async (role: Role, where = org): Promise<Denial | null> => {
      const has = await this.roles.roleAt(op.org, where, actor, op, creation);
      return roleAtLeast(has, role)
        ? null
        : {
            reason: `${NO_ROLE} (${actor} needs ${role} in ${where}, has ${has ?? 'none'})`,
            needs: { role, where },
          };
    };
    switch (op.kind) {
      case 'org.created':
        return need('admin');
      case 'account.published':
        return p.id === actor ? null : need('admin');
      case 'invite.redeemed': {
        if (p.accountId !== actor) return { reason: `${NO_ROLE} (an invite is redeemed by its own account)` };
        return this.restsOn(op, 'invite.created', String(p.inviteId), 'invite');
      }
      case 'member.role':
        return this.judgeRoleChange(op, p, creation);
      case 'gateway.admitted': {
        const inviteId = String(p.inviteId);
        return (
          (await this.redeemedByIssuer(op, inviteId)) ??
          (await this.restsOn(op, 'gateway.invited', inviteId, 'gateway invite')) ??
          need('admin', op.org)
        );
      }
      case 'gateway.invited':
      case 'gateway.inviteCancelled':
      case 'gateway.revoked':
        return need('admin', op.org);
      case 'decision.closed':
        return (await need('member')) ?? this.makerOr(op, 'decision.created', need, 'admin', creation);
      case 'blog.commentDeleted':
        return (await need('member')) ?? this.makerOr(op, 'blog.comment', need, 'editor', creation);
      case 'decision.voted':
        return (await need('viewer')) ?? this.judgeVote(op, creation);
      case 'workflow.published':
      case 'workflow.itemMigrated':
        return (await need('viewer')) ?? this.oneOf(op, DESIGNERS, creation, 'the designer roles');
      case 'workflow.itemStarted':
        return (await need('viewer')) ?? this.judgeStart(op, creation);
      case 'workflow.itemTransitioned':
        return (await need('viewer')) ?? this.judgeTransition(op, creation);
      default:
        return need(KIND_ROLES[op.kind] ?? DEFAULT_KIND_ROLE);
    }
  }

  /**
   * The op rests on the last `kind` op about `entity` before it: none in
   * effect is a denial, kept void when the log holds one that is void (it
   * may be in effect on a gateway that has not heard why it is void yet).
   */
  private async restsOn(op: Op, kind: string, entity: string, what: string): Promise<Denial | null> {
    if (await this.log.latest(op.org, kind, entity, op)) return null;
    return (await this.log.firstOf(op, kind, entity))
      ? { reason: `${NO_ROLE} (${what} ${entity} is void)`, everHeld: true }
      : { reason: `${NO_ROLE} (${what} ${entity} is not held)` };
  }

  /**
   * Only the gateway that issued a gateway invite redeems it: every co-host
   * holds a copy of the invite, secret hash included, and one cut off from
   * the issuer must not admit a second gateway with the same code. Decided
   * on every invite of that id ever held, void ones too (whether one is void
   * can change as ops arrive): refused if none is this gateway's, kept void
   * if the one in effect is another's. An issuer's own invite is in its own
   * chain, so always held by the time its admission is judged.
   */
  private async redeemedByIssuer(op: Op, inviteId: string): Promise<Denial | null> {
    const issued = (await this.log.ever(op.org, 'gateway.invited', inviteId)).filter((o) => before(o, op));
    if (!issued.length) return null; // restsOn: not held at all
    const inEffect = await this.log.latest(op.org, 'gateway.invited', inviteId, op);
    const issuer = (inEffect ?? issued[issued.length - 1]).author;
    if (issuer === op.author) return null;
    const reason = `${NO_ROLE} (gateway invite ${inviteId} was issued by gateway ${issuer}: only it redeems it)`;
    return issued.some((o) => o.author === op.author) ? { reason, everHeld: true } : { reason };
  }

  /**
   * What the account that made a thing may do to it, and others holding `role`: closing one's own
   * decision, deleting one's own comment. The thing is the op's entity (what projections act on).
   */
  private async makerOr(
    op: Op,
    kind: string,
    need: (role: Role) => Promise<Denial | null>,
    role: Role,
    creation: Creation,
  ): Promise<Denial | null> {
    return this.byMaker(op, kind, op.entity, creation, async (made) => {
      if (made && orgOf(made) !== orgOf(op))
        return { reason: `${NO_ROLE} (${kind} ${op.entity} is in another organisation)` };
      return made?.actor === op.actor ? null : need(role);
    });
  }

  /**
   * Judges `op` by the first `kind` op that made `entity` before it (or by
   * none). Only a dishonest peer makes one id twice, and which of its ops
   * comes first can change as ops arrive: a denial by the first is only
   * kept void, not refused, if another one held would not refuse the op.
   */
  private async byMaker(
    op: Op,
    kind: string,
    entity: string,
    creation: Creation,
    judgeBy: (made: Op | undefined) => Promise<Denial | null>,
  ): Promise<Denial | null> {
    const [first, ...others] = (await this.log.ever(op.org, kind, entity)).filter((o) => before(o, op));
    const denial = await judgeBy(first);
    if (!denial || (await this.keeps(op, denial, creation))) return denial;
    for (const other of others) {
      const by = await judgeBy(other);
      if (!by || (await this.keeps(op, by, creation))) return { ...denial, everHeld: true };
    }
    return denial;
  }

  /** A ballot takes one of the decision's voter roles (DecisionsService.mayVote). */
  private async judgeVote(op: Op, creation: Creation): Promise<Denial | null> {
    const decisionId = String((op.payload as Record<string, unknown>).decisionId);
    return this.byMaker(op, 'decision.created', decisionId, creation, async (decision) => {
      if (!decision) return { reason: `${NO_ROLE} (decision ${decisionId} is not held)` };
      if (orgOf(decision) !== orgOf(op))
        return { reason: `${NO_ROLE} (decision ${decisionId} is in another organisation)` };
      return this.oneOf(op, stringList(decision.payload, 'voterRoles'), creation, 'the voter roles');
    });
  }

  /**
   * Starting an item takes one of the start roles of the version it names
   * (WorkflowItemsService.start). On a version that is void, the start is
   * kept void: it rests on something the log holds but never applied.
   */
  private async judgeStart(op: Op, creation: Creation): Promise<Denial | null> {
    const p = op.payload as Record<string, unknown>;
    const versionId = String(p.versionId);
    const held = await this.version(op, String(p.workflowId), versionId);
    if (!held) return { reason: `${NO_ROLE} (workflow version ${versionId} is not held)` };
    if (!held.effective)
      return { reason: `${NO_ROLE} (workflow version ${versionId} is void)`, everHeld: true };
    return this.oneOf(op, stringList(held.op.payload, 'startRoles'), creation, 'the start roles');
  }

  /**
   * A transition takes one of its roles in a version the item may be on at
   * the transition's place: the one it started on, or one a migration before
   * it moved it to (replay decides which, from the order).
   */
  private judgeTransition(op: Op, creation: Creation): Promise<Denial | null> {
    return this.byMaker(op, 'workflow.itemStarted', op.entity, creation, (start) =>
      start
        ? this.judgeTransitionFrom(op, start, creation)
        : Promise.resolve({ reason: `${NO_ROLE} (workflow item ${op.entity} is not held)` }),
    );
  }

  private async judgeTransitionFrom(op: Op, start: Op, creation: Creation): Promise<Denial | null> {
    const transitionId = String((op.payload as Record<string, unknown>).transitionId);
    const started = start.payload as Record<string, unknown>;
    // Versions the item may be on: by effective migrations, or (for keeping it void) by void ones too.
    const movedTo = (migrations: Op[]) =>
      migrations
        .filter((m) => before(m, op))
        .map((m) => String((m.payload as Record<string, unknown>).toVersionId));
    const effective = new Set([
      String(started.versionId),
      ...movedTo(await this.log.of(op.org, 'workflow.itemMigrated', op.entity)),
    ]);
    const ever = movedTo(await this.log.ever(op.org, 'workflow.itemMigrated', op.entity));
    const roles = new Set<string>();
    const everRoles = new Set<string>();
    for (const versionId of new Set([...effective, ...ever])) {
      const held = await this.version(op, String(started.workflowId), versionId);
      for (const role of held ? transitionRoles(held.op, transitionId) : []) {
        everRoles.add(role);
        if (held?.effective && effective.has(versionId)) roles.add(role);
      }
    }
    return this.oneOf(op, [...roles].sort(), creation, `the roles of transition ${transitionId}`, [
      ...everRoles,
    ]);
  }

  /** A version of a workflow published before `op`, and whether it took effect. */
  private async version(
    op: Op,
    workflowId: string,
    versionId: string,
  ): Promise<{ op: Op; effective: boolean } | null> {
    const isIt = (v: Op) => before(v, op) && (v.payload as Record<string, unknown>).versionId === versionId;
    const effective = (await this.log.of(op.org, 'workflow.published', workflowId)).find(isIt);
    if (effective) return { op: effective, effective: true };
    const voided = (await this.log.ever(op.org, 'workflow.published', workflowId)).find(isIt);
    return voided ? { op: voided, effective: false } : null;
  }

  /**
   * Whether `op`'s actor holds one of `roles`, as of the op's place: an organisation role at
   * least as strong, or a custom role granted (`workflow.roleGranted`) to a member, in the op's
   * organisation or above it, as WorkflowRolesService.actorRoles counts them. An actor the log
   * shows holding one of `everRoles` at some point (demoted on a gateway that had not heard
   * yet, or granted by an op that is void) is kept void.
   */
  private async oneOf(
    op: Op,
    roles: readonly string[],
    creation: Creation,
    what: string,
    everRoles: readonly string[] = roles,
  ): Promise<Denial | null> {
    const actor = op.actor!;
    const where = targetOrg(op);
    const orgRole = await this.roles.roleAt(op.org, where, actor, op, creation);
    if (roles.some((r) => isRole(r) && roleAtLeast(orgRole, r))) return null;
    const custom = roles.filter((r) => !isRole(r));
    if (orgRole && (await this.roles.holdsCustomRole(op, where, actor, custom, op))) return null;
    const weakestOrgRole = ROLES.find((r) => everRoles.includes(r));
    const everHeld =
      (!!weakestOrgRole && (await this.roles.everHeld(op, weakestOrgRole, where, creation))) ||
      (await this.roles.holdsCustomRole(
        op,
        where,
        actor,
        everRoles.filter((r) => !isRole(r)),
        null,
      ));
    return {
      reason: `${NO_ROLE} (${actor} holds none of ${what}: ${roles.join(', ') || 'none'})`,
      everHeld,
    };
  }

  /** Admins set roles; only owners touch owners and admins; members join by invite or leave by themselves. */
  private async judgeRoleChange(
    op: Op,
    p: Record<string, unknown>,
    creation: Creation,
  ): Promise<Denial | null> {
    const actor = op.actor!;
    const orgId = String(p.orgId);
    const role = String(p.role) as Role | 'none';
    const account = String(p.accountId);
    if (account === actor) {
      if (role === 'none') return null;
      if (await this.roles.joinedByInvite(op, orgId, actor, role)) return null;
      if (await this.roles.joinedByInvite(op, orgId, actor, role, { ever: true }))
        return { reason: `${NO_ROLE} (the invite ${actor} joined by is void)`, everHeld: true };
    }
    const mine = await this.roles.roleAt(op.org, orgId, actor, op, creation);
    const theirs = await this.roles.roleAt(op.org, orgId, account, op, creation);
    const touchesTop = role === 'owner' || role === 'admin' || theirs === 'owner' || theirs === 'admin';
    const needed: Role = touchesTop ? 'owner' : 'admin';
    if (roleAtLeast(mine, needed)) return null;
    return {
      reason: `${NO_ROLE} (${actor} needs ${needed} to set roles, has ${mine ?? 'none'})`,
      // Admin, whatever is needed now: the target's role (owner or not) can change as ops arrive.
      everHeld: await this.roles.everHeld(op, 'admin', orgId, creation),
    };
  }

  private async creation(org: string): Promise<Creation | null> {
    if (!this.creations.has(org)) {
      const [first] = await this.log.of(org, 'org.created', org);
      this.creations.set(org, first ? { gateway: first.author, actor: first.actor, at: first } : null);
    }
    return this.creations.get(org) ?? null;
  }

  private async admitted(org: string, gateway: string, at: Position, creation: Creation): Promise<boolean> {
    let admitted = gateway === creation.gateway;
    const events = [
      ...(await this.log.of(org, 'gateway.admitted', gateway)),
      ...(await this.log.of(org, 'gateway.revoked', gateway)),
    ].sort(compareOps);
    for (const event of events) {
      if (!before(event, at)) break;
      admitted = event.kind === 'gateway.admitted';
    }
    return admitted;
  }
}
