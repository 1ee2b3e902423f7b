import { describe, expect, it } from 'vitest';
import { commonAncestor, headsOf, type RevisionNode } from './revision-graph.util.js';
import { mergeText } from './text-merge.util.js';

const rev = (id: string, hlc: string, ...parents: string[]): RevisionNode => ({ id, hlc, parents });

describe('revision graph', () => {
  const a = rev('a', '1');
  const b = rev('b', '2', 'a');
  const c = rev('c', '3', 'b');
  const d = rev('d', '3', 'b');
  const byId = new Map([a, b, c, d].map((r) => [r.id, r]));

  it('finds the heads of concurrent edits, sorted', () => {
    expect(headsOf([d, a, c, b])).toEqual(['c', 'd']);
    expect(headsOf([a, b, c, d, rev('e', '4', 'c', 'd')])).toEqual(['e']);
  });

  it('finds the newest common ancestor of the heads', () => {
    expect(commonAncestor(['c', 'd'], byId)?.id).toBe('b');
    expect(commonAncestor(['c', 'x'], byId)).toBeNull();
  });
});

describe('mergeText', () => {
  const base = ['one', 'two', 'three', 'four', 'five'].join('\n');

  it('merges edits to different lines', () => {
    const ours = base.replace('one', 'ONE');
    const theirs = base.replace('five', 'FIVE');
    expect(mergeText(base, ours, theirs)).toEqual({
      clean: true,
      text: ['ONE', 'two', 'three', 'four', 'FIVE'].join('\n'),
    });
    expect(mergeText(base, theirs, ours)).toEqual(mergeText(base, ours, theirs));
  });

  it('reports overlapping edits as a conflict', () => {
    expect(mergeText(base, base.replace('three', 'THREE'), base.replace('three', 'drei'))).toEqual({
      clean: false,
    });
  });

  it('takes the changed side when only one side changed, and identical edits once', () => {
    const edited = base.replace('two', '2');
    expect(mergeText(base, base, edited)).toEqual({ clean: true, text: edited });
    expect(mergeText(base, edited, edited)).toEqual({ clean: true, text: edited });
  });
});
