import { describe, expect, it } from 'vitest';
import { combineVersions } from './line-merge';

describe('combineVersions', () => {
  it('keeps shared lines once and both sides of each difference', () => {
    const a = 'title\nevery day\nend';
    const b = 'title\nevery month\nend';
    expect(combineVersions(a, b)).toBe('title\nevery day\nevery month\nend');
  });

  it('returns the text itself when both versions agree', () => {
    expect(combineVersions('x\ny', 'x\ny')).toBe('x\ny');
  });

  it('keeps lines only one side added', () => {
    expect(combineVersions('a\nc', 'a\nb\nc')).toBe('a\nb\nc');
    expect(combineVersions('a\nb\nc', 'a\nc')).toBe('a\nb\nc');
  });
});
