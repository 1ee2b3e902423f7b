import type { OpBody } from './op.js';

/**
 * The total order of ops in an organisation: hybrid logical time, then author,
 * then seq. Every gateway sorts the same set of ops the same way.
 */
export function compareOps(
  a: Pick<OpBody, 'hlc' | 'author' | 'seq'>,
  b: Pick<OpBody, 'hlc' | 'author' | 'seq'>,
): number {
  if (a.hlc !== b.hlc) return a.hlc < b.hlc ? -1 : 1;
  if (a.author !== b.author) return a.author < b.author ? -1 : 1;
  return a.seq - b.seq;
}

/** Last-writer-wins stamp of a field: `hlc` then `author`, written as one comparable string. */
export function lwwStamp(op: Pick<OpBody, 'hlc' | 'author'>): string {
  return `${op.hlc}/${op.author}`;
}
