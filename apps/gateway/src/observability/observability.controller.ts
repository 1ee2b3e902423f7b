import { statSync } from 'node:fs';
import type { GatewayIdentity } from '@gatehouse/mesh';
import { Controller, Get, Header, Inject } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import { databasePath } from '../database/data-source.js';
import { OpLogService } from '../oplog/oplog.service.js';
import { DATA_SOURCE, GATEWAY_IDENTITY } from '../oplog/tokens.js';
import { MetricsService } from './metrics.service.js';

@Controller()
export class ObservabilityController {
  private readonly started = Date.now();

  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(GATEWAY_IDENTITY) private readonly identity: GatewayIdentity,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly metrics: MetricsService,
    private readonly oplog: OpLogService,
  ) {}

  @Get('healthz')
  async health() {
    await this.db.query('SELECT 1');
    return {
      status: 'ok',
      peerId: this.identity.peerId,
      region: this.config.region,
      uptimeSeconds: Math.round((Date.now() - this.started) / 1000),
    };
  }

  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  async prometheus(): Promise<string> {
    const file = databasePath(this.config.dataDir);
    for (const [label, path] of [
      ['db', file],
      ['wal', `${file}-wal`],
    ] as const) {
      try {
        this.metrics.dbBytes.set({ file: label }, statSync(path).size);
      } catch {
        this.metrics.dbBytes.set({ file: label }, 0);
      }
    }
    this.metrics.logOps.set(await this.oplog.opCount());
    return this.metrics.registry.metrics();
  }
}
