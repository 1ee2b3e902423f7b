import { badInput } from '../common/gatehouse-error.js';

const SEGMENT = /^[\p{L}\p{N}][\p{L}\p{N}._-]*$/u;

/**
 * Page paths: slash-separated segments of letters, digits, dot, dash and
 * underscore, each starting with a letter or digit; at most 200 characters.
 * Returns the canonical form (no leading or trailing slash).
 */
export function normalisePagePath(path: string): string {
  const clean = path.trim().replace(/^\/+|\/+$/g, '');
  const segments = clean.split('/');
  if (!clean || clean.length > 200 || segments.some((s) => !SEGMENT.test(s))) {
    throw badInput(`invalid page path "${path.slice(0, 80)}"`, [
      {
        field: 'path',
        message: 'segments of letters, digits, dot, dash, underscore separated by /; at most 200 characters',
      },
    ]);
  }
  return segments.join('/');
}
