import { type DocumentNode, Kind } from 'graphql';
import type { MetricsService } from '../observability/metrics.service.js';

/**
 * Counts and times GraphQL operations from Mercurius' hooks. A request's
 * context object carries it from `started` (pre-execution) to `resolved`;
 * requests refused before execution (parse, validation, depth, cost) never
 * start, and are counted by `finished` as refused.
 */
export class OperationMetrics {
  private readonly running = new WeakMap<object, { type: string; started: number }>();

  constructor(private readonly metrics: MetricsService) {}

  started(context: object, document: DocumentNode): void {
    const op = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
    this.running.set(context, { type: op?.operation ?? 'unknown', started: performance.now() });
  }

  resolved(context: object, execution: { errors?: readonly unknown[] }): void {
    const run = this.running.get(context);
    if (!run) return;
    this.metrics.graphqlSeconds.observe({ type: run.type }, (performance.now() - run.started) / 1000);
    this.metrics.graphqlOperations.inc({
      type: run.type,
      outcome: execution.errors?.length ? 'error' : 'ok',
    });
  }

  /**
   * Called for every answer with errors, before `resolved` when execution
   * started: counts only the requests that never reached execution.
   */
  finished(context: object): void {
    if (!this.running.has(context))
      this.metrics.graphqlOperations.inc({ type: 'unknown', outcome: 'refused' });
  }
}
