/**
 * What OpJudge reads of the log, inside one transaction: the ops of a kind
 * about an entity (effective, or with the void ones too), the last one
 * before a place in the order, the first one ever, and an organisation's
 * parents. Cached for the transaction and kept current as the judge's
 * verdicts land (noteApplied, noteVoided).
 */
import { compareOps, type Op } from '@gatehouse/mesh';
import type { EntityManager } from 'typeorm';
import { type OpRow, opFromRow } from '../../oplog/op-row.js';

export type Position = Pick<Op, 'hlc' | 'author' | 'seq'>;

export const before = (a: Position, b: Position) => compareOps(a, b) < 0;

export class OpHistory {
  /** `${org}\0${kind}\0${entity}` -> effective ops of that kind about that entity, in log order. */
  private readonly histories = new Map<string, Op[]>();
  /** The same with void ops too: what the log shows was ever done, for "held at some point". */
  private readonly everHistories = new Map<string, Op[]>();
  private readonly parents = new Map<string, string | null>();

  constructor(private readonly tx: EntityManager) {}

  /** `op` took effect. */
  noteApplied(op: Op): void {
    const key = `${op.org}\0${op.kind}\0${op.entity}`;
    for (const ops of [this.histories.get(key), this.everHistories.get(key)]) insert(ops, op);
    if (op.kind === 'org.created') this.parents.clear();
  }

  /** `op` is kept void (stored, or moved out of the effective log). */
  noteVoided(op: Op): void {
    const key = `${op.org}\0${op.kind}\0${op.entity}`;
    const ops = this.histories.get(key);
    const at = ops?.findIndex((o) => o.id === op.id) ?? -1;
    if (ops && at >= 0) ops.splice(at, 1);
    insert(this.everHistories.get(key), op);
    if (op.kind === 'org.created') this.parents.clear();
  }

  /**
   * The first op of `kind` about `entity` placed before `op`, effective or void: a void one still
   * says what was made and by whom (refusing ops that rest on it would cut their chains for good).
   */
  async firstOf(op: Op, kind: string, entity: string): Promise<Op | undefined> {
    return (await this.ever(op.org, kind, entity)).find((o) => before(o, op));
  }

  /** An organisation and its parents up to the root of its log. */
  async chain(orgId: string, root: string): Promise<string[]> {
    const out: string[] = [];
    let current: string | null = orgId;
    while (current && !out.includes(current) && out.length < 16) {
      out.push(current);
      if (current === root) break;
      current = await this.parent(current);
    }
    if (!out.includes(root)) out.push(root);
    return out;
  }

  private async parent(orgId: string): Promise<string | null> {
    if (!this.parents.has(orgId)) {
      const [row]: { parent_id: string | null }[] = await this.tx.query(
        'SELECT parent_id FROM org WHERE id = ?',
        [orgId],
      );
      this.parents.set(orgId, row?.parent_id ?? null);
    }
    return this.parents.get(orgId) ?? null;
  }

  /** Effective ops of a kind about an entity, in log order. */
  of(org: string, kind: string, entity: string): Promise<Op[]> {
    return this.cachedOps(this.histories, 'op', org, kind, entity);
  }

  /** Effective and void ops of a kind about an entity, in log order (see everHistories). */
  ever(org: string, kind: string, entity: string): Promise<Op[]> {
    return this.cachedOps(this.everHistories, 'op_chain', org, kind, entity);
  }

  private async cachedOps(
    cache: Map<string, Op[]>,
    table: 'op' | 'op_chain',
    org: string,
    kind: string,
    entity: string,
  ): Promise<Op[]> {
    const key = `${org}\0${kind}\0${entity}`;
    let ops = cache.get(key);
    if (!ops) {
      const rows: OpRow[] = await this.tx.query(
        `SELECT * FROM ${table} WHERE org = ? AND kind = ? AND entity = ? ORDER BY hlc, author, seq`,
        [org, kind, entity],
      );
      ops = rows.map(opFromRow);
      if (cache.size > 5000) cache.clear();
      cache.set(key, ops);
    }
    return ops;
  }

  /** The last op of a kind about an entity before `at`. */
  async latest(org: string, kind: string, entity: string, at: Position): Promise<Op | null> {
    let found: Op | null = null;
    for (const op of await this.of(org, kind, entity)) {
      if (!before(op, at)) break;
      found = op;
    }
    return found;
  }
}

function insert(ops: Op[] | undefined, op: Op): void {
  if (!ops || ops.some((o) => o.id === op.id)) return;
  ops.push(op);
  ops.sort(compareOps);
}
