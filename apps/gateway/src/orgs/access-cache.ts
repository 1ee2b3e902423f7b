import type { Op } from '@gatehouse/mesh';
import { TtlCache } from '../common/ttl-cache.js';

/**
 * Roles and organisation rows are read on every request and change rarely:
 * cached until an op that could change them commits.
 */
export class AccessCache<V> extends TtlCache<V> {
  constructor() {
    super(60_000);
  }

  invalidateOn(ops: readonly Op[]): void {
    if (ops.some((op) => op.kind.startsWith('org.') || op.kind.startsWith('member.'))) this.clear();
  }
}
