import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ProjectionRegistry } from './projection-registry.js';
import { DATA_SOURCE } from './tokens.js';

/**
 * A digest of an organisation's projected state. Two gateways holding the same
 * ops for an organisation must report the same hash (DESIGN.md).
 */
@Injectable()
export class StateHashService {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    private readonly projections: ProjectionRegistry,
  ) {}

  async stateHash(rootOrg: string): Promise<string> {
    const hash = createHash('sha256');
    for (const p of this.projections.all) {
      const rows = await p.stateRows(this.db.manager, rootOrg);
      hash.update(p.name).update('\0').update(JSON.stringify(rows)).update('\0');
    }
    return hash.digest('hex');
  }
}
