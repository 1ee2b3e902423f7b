/**
 * The role an op's actor needs, by kind, for ops received from other
 * gateways. Each is the least role any local write path of that kind asks
 * for. Kinds not listed need the actor to be a member (viewer or above) of
 * the organisation the op is about. Kinds with rules of their own are judged
 * in op-judge.ts: organisation creation, roles, accounts, invites, gateway
 * admission; closing a decision and deleting a comment (which their maker
 * may do); ballots (a voter role of the decision); publishing workflows and
 * migrating items (admin or designer), starting an item (a start role of its
 * version) and transitions (a role of the transition). What rests on the
 * item's state (which transitions leave it now, their conditions and forms)
 * is checked by the writing gateway, and replay decides what the events mean.
 */
import type { Role } from '../../orgs/roles.js';

export const KIND_ROLES: Readonly<Record<string, Role>> = {
  'org.updated': 'admin',
  'invite.created': 'admin',
  'invite.revoked': 'admin',
  'gateway.invited': 'admin',
  'gateway.inviteCancelled': 'admin',
  'gateway.revoked': 'admin',
  'wiki.revision': 'editor',
  'blog.revision': 'editor',
  'blog.status': 'editor',
  'blog.comment': 'member',
  'decision.created': 'member',
  'workflow.roleGranted': 'admin',
};

export const DEFAULT_KIND_ROLE: Role = 'viewer';

/** The organisation (or department) an op is about: `payload.orgId`, `payload.id` for org ops, else the log's. */
export function targetOrg(op: { org: string; kind: string; payload: unknown }): string {
  const p = (op.payload ?? {}) as Record<string, unknown>;
  if (op.kind === 'org.updated' && typeof p.id === 'string') return p.id;
  if (op.kind === 'org.created' && typeof p.parentId === 'string') return p.parentId;
  return typeof p.orgId === 'string' ? p.orgId : op.org;
}
