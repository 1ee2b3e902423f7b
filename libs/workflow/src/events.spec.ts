import { describe, expect, it } from 'vitest';
import { compareEvents, orderEvents, type WorkflowEvent } from './events.js';

const comment = (id: string, at: string, author: string, text = 'hi'): WorkflowEvent => ({
  id,
  at,
  author,
  actor: 'ann',
  type: 'comment',
  text,
});

describe('orderEvents', () => {
  it('sorts by at, then author, then id, comparing code units (not locale)', () => {
    const events = [
      comment('c', '2', 'a'),
      comment('b', '1', 'b'),
      comment('a', '1', 'b'),
      comment('d', '1', 'B'),
      comment('e', '1', 'a'),
    ];
    expect(orderEvents(events).map((e) => e.id)).toEqual(['d', 'e', 'a', 'b', 'c']);
  });

  it('keeps one event per id, the same one whatever the input order', () => {
    const first = comment('x', '1', 'a', 'first');
    const second = comment('x', '1', 'a', 'second');
    const later = comment('x', '2', 'a', 'later');
    expect(orderEvents([second, later, first])).toEqual([first]);
    expect(orderEvents([first, second, later])).toEqual([first]);
    expect(orderEvents([later, later])).toEqual([later]);
  });

  it('does not modify its input', () => {
    const events = [comment('b', '2', 'a'), comment('a', '1', 'a')];
    orderEvents(events);
    expect(events.map((e) => e.id)).toEqual(['b', 'a']);
  });
});

describe('compareEvents', () => {
  it('is zero only for identical content', () => {
    expect(compareEvents(comment('x', '1', 'a'), comment('x', '1', 'a'))).toBe(0);
    expect(compareEvents(comment('x', '1', 'a', 'p'), comment('x', '1', 'a', 'q'))).toBeLessThan(0);
  });
});
