/** Organisation roles, weakest first. A role includes every right of the roles before it. */
export const ROLES = ['viewer', 'member', 'editor', 'admin', 'owner'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<string, number> = Object.fromEntries(ROLES.map((r, i) => [r, i + 1]));

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && Object.hasOwn(RANK, value);
}

export function roleAtLeast(role: Role | null | undefined, needed: Role): boolean {
  return !!role && RANK[role] >= RANK[needed];
}

export function strongest(roles: readonly (Role | null | undefined)[]): Role | null {
  let best: Role | null = null;
  for (const r of roles) if (r && (!best || RANK[r] > RANK[best])) best = r;
  return best;
}
