/**
 * Pure functions over a document's revision DAG. A revision names its parent
 * revisions; heads are revisions nobody names as a parent.
 */
export interface RevisionNode {
  readonly id: string;
  readonly parents: readonly string[];
  readonly hlc: string;
}

/** Heads, sorted by id so every gateway folds them in the same order. */
export function headsOf(revisions: readonly RevisionNode[]): string[] {
  const named = new Set<string>();
  for (const r of revisions) for (const p of r.parents) named.add(p);
  return revisions
    .filter((r) => !named.has(r.id))
    .map((r) => r.id)
    .sort();
}

export function ancestorsOf(id: string, byId: ReadonlyMap<string, RevisionNode>): Set<string> {
  const seen = new Set<string>();
  const stack = [id];
  while (stack.length) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    for (const p of byId.get(next)?.parents ?? []) stack.push(p);
  }
  return seen;
}

/** Orders by (hlc, id): later first. */
export function newerFirst(a: RevisionNode, b: RevisionNode): number {
  if (a.hlc !== b.hlc) return a.hlc < b.hlc ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * The newest revision that is an ancestor of (or equal to) every given head:
 * the base of their three-way merge. Null when they share no history.
 */
export function commonAncestor(
  heads: readonly string[],
  byId: ReadonlyMap<string, RevisionNode>,
): RevisionNode | null {
  if (!heads.length) return null;
  let common = ancestorsOf(heads[0], byId);
  for (const h of heads.slice(1)) {
    const mine = ancestorsOf(h, byId);
    common = new Set([...common].filter((id) => mine.has(id)));
  }
  const candidates = [...common].map((id) => byId.get(id)).filter((r): r is RevisionNode => !!r);
  return candidates.sort(newerFirst)[0] ?? null;
}
