/**
 * Custom workflow roles (treasurer, board, designer...) next to the
 * organisation roles: their names, and how an organisation role reads as a
 * set of role names for the workflow engine. Plain functions, shared by the
 * services that check roles locally and the judge of received ops.
 */
import { ROLES, type Role } from '../orgs/roles.js';

/** Holders of this custom role may define workflows, like admins. */
export const DESIGNER_ROLE = 'designer';
export const CUSTOM_ROLE = /^[a-z][a-z0-9-]{0,39}$/;

/**
 * The organisation role and every weaker one it includes (owner -> owner,
 * admin, editor, member, viewer). The engine has no hierarchy, so the gateway
 * expands it: a transition open to "member" is open to admins too, as
 * everywhere else in Gatehouse.
 */
export function expandOrgRole(role: Role | null): string[] {
  if (!role) return [];
  return ROLES.slice(0, ROLES.indexOf(role) + 1).reverse();
}
