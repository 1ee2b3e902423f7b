import type { Op } from '@gatehouse/mesh';
import type { EntityManager } from 'typeorm';
import type { ProjectionRegistry } from './projection-registry.js';

/** Ops held back at most, before they are applied. */
const MAX_WAITING = 500;

/**
 * Effective ops of a replay held back so that runs of them owned by a
 * projection with `applyBatch` are applied in one call, as a received sync
 * batch is (ingest-transaction.ts): applied one by one, a rebuild of a log
 * of wiki edits costs a dozen statements an op. Any other op must `flush`
 * first: what its projection reads may rest on the waiting ops.
 */
export class ReplayBatch {
  private waiting: Op[] = [];

  /** `enter`: moves the waiting ops into the effective log before they are applied. */
  constructor(
    private readonly tx: EntityManager,
    private readonly projections: ProjectionRegistry,
    private readonly enter?: (ids: readonly string[]) => Promise<void>,
  ) {}

  /** Whether `op` may wait: its projection applies in batches. */
  takes(op: Op): boolean {
    return this.projections.batches(op.kind);
  }

  async add(op: Op): Promise<void> {
    this.waiting.push(op);
    if (this.waiting.length >= MAX_WAITING) await this.flush();
  }

  async flush(): Promise<void> {
    const ops = this.waiting.splice(0);
    if (!ops.length) return;
    await this.enter?.(ops.map((op) => op.id));
    await this.projections.applyBatch(this.tx, ops);
  }
}
