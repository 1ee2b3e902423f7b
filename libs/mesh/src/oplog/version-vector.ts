/** A version vector: for each author gateway, the highest contiguous seq held. */
export type VersionVector = Readonly<Record<string, number>>;

/** For each author, the seq range that `theirs` lacks and `ours` holds. */
export function missingFrom(
  ours: VersionVector,
  theirs: VersionVector,
): { author: string; after: number; upTo: number }[] {
  const out: { author: string; after: number; upTo: number }[] = [];
  for (const [author, seq] of Object.entries(ours)) {
    const have = theirs[author] ?? 0;
    if (seq > have) out.push({ author, after: have, upTo: seq });
  }
  return out.sort((a, b) => (a.author < b.author ? -1 : a.author > b.author ? 1 : 0));
}

export function sameVector(a: VersionVector, b: VersionVector): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if ((a[k] ?? 0) !== (b[k] ?? 0)) return false;
  return true;
}
