import type { Op } from '@gatehouse/mesh';
import type { EntityManager } from 'typeorm';

/**
 * A projection turns ops of some kinds into table rows. Reducers must be
 * deterministic and order-independent: the same set of ops, applied in any
 * order, leaves the same rows (see DESIGN.md, "Convergence invariant").
 */
export interface Projection {
  readonly name: string;
  /** JSON Schema of each op kind's payload this projection applies. */
  readonly payloadSchemas: Readonly<Record<string, object>>;
  apply(tx: EntityManager, op: Op): Promise<void>;
  /**
   * Optional: applies ops of its kinds (payloads already checked) with the
   * same outcome as `apply` on each in turn, in fewer statements. The
   * receiving path hands it runs of up to a sync batch.
   */
  applyBatch?(tx: EntityManager, ops: readonly Op[]): Promise<void>;
  /**
   * Rows that make up the replicated state of an organisation (its root id),
   * in a deterministic order, for the state hash. Local-only columns stay out.
   */
  stateRows(tx: EntityManager, rootOrg: string): Promise<unknown[]>;
  /** Empties this projection's tables before a rebuild from the log. */
  clear(tx: EntityManager): Promise<void>;
}

/** An op this gateway refuses to apply: bad payload, missing authority. */
export class OpRejectedError extends Error {
  override name = 'OpRejectedError';
  constructor(
    readonly opId: string,
    readonly reason: string,
  ) {
    super(`op ${opId} rejected: ${reason}`);
  }
}
