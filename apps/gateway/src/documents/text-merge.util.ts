import { diff3Merge } from 'node-diff3';

export type MergeOutcome = { readonly clean: true; readonly text: string } | { readonly clean: false };

const lines = (text: string) => text.split('\n');

/**
 * Line-based three-way merge of `a` and `b` against their common ancestor.
 * Edits to different lines merge; edits that overlap are a conflict.
 */
export function mergeText(base: string, a: string, b: string): MergeOutcome {
  if (a === b) return { clean: true, text: a };
  if (a === base) return { clean: true, text: b };
  if (b === base) return { clean: true, text: a };
  const regions = diff3Merge(lines(a), lines(base), lines(b), { excludeFalseConflicts: true });
  const out: string[] = [];
  for (const region of regions) {
    if (region.conflict) return { clean: false };
    if (region.ok) out.push(...region.ok);
  }
  return { clean: true, text: out.join('\n') };
}
