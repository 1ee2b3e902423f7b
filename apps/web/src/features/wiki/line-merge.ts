/**
 * Combines two versions of a text for a member resolving an edit conflict:
 * lines both versions share appear once, and where they differ, the first
 * version's lines come before the second's. It is a starting point for the
 * member's own edit, not a merge the gateway trusts.
 */
const MAX_CELLS = 4_000_000;

export function combineVersions(a: string, b: string): string {
  const x = a.split('\n');
  const y = b.split('\n');
  if (x.length * y.length > MAX_CELLS) return `${a}\n\n${b}`;
  // Longest common subsequence table, from the end.
  const width = y.length + 1;
  const lcs = new Uint32Array((x.length + 1) * width);
  for (let i = x.length - 1; i >= 0; i--) {
    for (let j = y.length - 1; j >= 0; j--) {
      lcs[i * width + j] =
        x[i] === y[j]
          ? lcs[(i + 1) * width + j + 1] + 1
          : Math.max(lcs[(i + 1) * width + j], lcs[i * width + j + 1]);
    }
  }
  const out: string[] = [];
  let onlyA: string[] = [];
  let onlyB: string[] = [];
  const flush = () => {
    out.push(...onlyA, ...onlyB);
    onlyA = [];
    onlyB = [];
  };
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) {
      flush();
      out.push(x[i]);
      i++;
      j++;
    } else if (j >= y.length || (i < x.length && lcs[(i + 1) * width + j] >= lcs[i * width + j + 1])) {
      onlyA.push(x[i++]);
    } else {
      onlyB.push(y[j++]);
    }
  }
  flush();
  return out.join('\n');
}
