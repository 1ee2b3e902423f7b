import { Injectable } from '@nestjs/common';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Prometheus figures of this gateway. One registry per gateway instance (not
 * prom-client's global one) so several gateways can run in one process in tests.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'gatehouse_http_requests_total',
    help: 'HTTP requests by method, route and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpSeconds = new Histogram({
    name: 'gatehouse_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [this.registry],
  });

  readonly graphqlOperations = new Counter({
    name: 'gatehouse_graphql_operations_total',
    help: 'GraphQL operations by type (query, mutation, subscription; unknown when refused before execution) and outcome (ok, error, refused)',
    labelNames: ['type', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly graphqlSeconds = new Histogram({
    name: 'gatehouse_graphql_operation_duration_seconds',
    help: 'GraphQL operation execution time (after parsing and validation), by type',
    labelNames: ['type'] as const,
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1],
    registers: [this.registry],
  });

  readonly graphqlErrors = new Counter({
    name: 'gatehouse_graphql_errors_total',
    help: 'GraphQL errors by code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly opsAppended = new Counter({
    name: 'gatehouse_oplog_ops_appended_total',
    help: 'Ops written to the op log, by origin (local or remote)',
    labelNames: ['origin'] as const,
    registers: [this.registry],
  });

  readonly opsRejected = new Counter({
    name: 'gatehouse_oplog_ops_rejected_total',
    help: 'Ops refused, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly opsVoided = new Counter({
    name: 'gatehouse_oplog_ops_voided_total',
    help: 'Received ops kept without effect (no authority as of their place in the order), by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly forks = new Counter({
    name: 'gatehouse_oplog_forks_total',
    help: 'Second ops signed by an author for a seq it had already used: evidence kept for the operators',
    registers: [this.registry],
  });

  readonly authorityRebuilds = new Counter({
    name: 'gatehouse_oplog_authority_rebuilds_total',
    help: 'Projections rebuilt because a late change of authority changed the verdict on ops already held',
    registers: [this.registry],
  });

  readonly writeSeconds = new Histogram({
    name: 'gatehouse_oplog_write_duration_seconds',
    help: 'Duration of op log write transactions (commit included)',
    buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5],
    registers: [this.registry],
  });

  readonly dbBytes = new Gauge({
    name: 'gatehouse_db_size_bytes',
    help: 'Size of the SQLite database file and its WAL',
    labelNames: ['file'] as const,
    registers: [this.registry],
  });

  readonly logOps = new Gauge({
    name: 'gatehouse_oplog_ops',
    help: 'Ops held in the op log',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'gatehouse_' });
  }
}
