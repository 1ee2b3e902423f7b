import type { Op } from '@gatehouse/mesh';
import { Injectable } from '@nestjs/common';
import { Ajv, type ValidateFunction } from 'ajv';
import type { EntityManager } from 'typeorm';
import { OpRejectedError, type Projection } from './projection.js';

/** Routes each op to the projection that owns its kind, after checking its payload. */
@Injectable()
export class ProjectionRegistry {
  private readonly byKind = new Map<string, { projection: Projection; validate: ValidateFunction }>();
  private readonly projections: Projection[] = [];
  private readonly ajv = new Ajv({ allErrors: false, strict: true });

  register(projection: Projection): void {
    for (const [kind, schema] of Object.entries(projection.payloadSchemas)) {
      if (this.byKind.has(kind)) throw new Error(`op kind ${kind} is claimed twice`);
      this.byKind.set(kind, { projection, validate: this.ajv.compile(schema) });
    }
    this.projections.push(projection);
  }

  get all(): readonly Projection[] {
    return [...this.projections].sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  knows(kind: string): boolean {
    return this.byKind.has(kind);
  }

  /** Throws OpRejectedError when the kind is unknown or the payload does not match its schema. */
  check(op: Pick<Op, 'id' | 'kind' | 'payload'>): void {
    const entry = this.byKind.get(op.kind);
    if (!entry) throw new OpRejectedError(op.id, `unknown op kind ${op.kind}`);
    if (!entry.validate(op.payload)) {
      const e = entry.validate.errors?.[0];
      throw new OpRejectedError(op.id, `payload${e?.instancePath ?? ''} ${e?.message ?? 'is invalid'}`);
    }
  }

  async apply(tx: EntityManager, op: Op): Promise<void> {
    this.check(op);
    await this.byKind.get(op.kind)!.projection.apply(tx, op);
  }

  /** Whether ops of this kind may wait in a batch for `applyBatch` (see Projection.applyBatch). */
  batches(kind: string): boolean {
    return !!this.byKind.get(kind)?.projection.applyBatch;
  }

  /**
   * Applies checked ops in order: each stretch owned by one projection with
   * `applyBatch` in one call, the others one by one.
   */
  async applyBatch(tx: EntityManager, ops: readonly Op[]): Promise<void> {
    for (let start = 0; start < ops.length; ) {
      const { projection } = this.byKind.get(ops[start].kind)!;
      let end = start + 1;
      while (end < ops.length && this.byKind.get(ops[end].kind)?.projection === projection) end += 1;
      if (projection.applyBatch) await projection.applyBatch(tx, ops.slice(start, end));
      else for (const op of ops.slice(start, end)) await projection.apply(tx, op);
      start = end;
    }
  }
}
