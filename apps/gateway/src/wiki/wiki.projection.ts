import type { Op } from '@gatehouse/mesh';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { insertRows } from '../database/bulk-sql.js';
import { DocumentStore, revisionFromOp } from '../documents/document-store.js';
import type { Projection } from '../oplog/projection.js';
import { ProjectionRegistry } from '../oplog/projection-registry.js';
import { assertOrgInLog } from '../orgs/org-in-log.util.js';
import { clearIndex, markForIndex } from '../search/search-index.js';

export interface WikiRevisionPayload {
  orgId: string;
  path: string;
  title: string;
  content: string;
  resolves: boolean;
}

export const MAX_CONTENT = 200_000;

const PAGE_COLUMNS = [
  'org_id',
  'path',
  'title',
  'content',
  'head_ids',
  'current_revision_id',
  'conflict_id',
  'created_hlc',
  'updated_hlc',
  'updated_by',
] as const;

/** Wiki pages: revisions into the shared document DAG, pages as its current state. */
@Injectable()
export class WikiProjection implements Projection, OnModuleInit {
  readonly name = 'wiki';
  readonly payloadSchemas = {
    'wiki.revision': {
      type: 'object',
      additionalProperties: false,
      required: ['orgId', 'path', 'title', 'content', 'resolves'],
      properties: {
        orgId: { type: 'string', minLength: 1, maxLength: 128 },
        path: { type: 'string', minLength: 1, maxLength: 200 },
        title: { type: 'string', maxLength: 300 },
        content: { type: 'string', maxLength: MAX_CONTENT },
        resolves: { type: 'boolean' },
      },
    },
  };

  constructor(private readonly registry: ProjectionRegistry) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  apply(tx: EntityManager, op: Op): Promise<void> {
    return this.applyBatch(tx, [op]);
  }

  /** Revisions in, then one row write and one search mark per page touched. */
  async applyBatch(tx: EntityManager, ops: readonly Op[]): Promise<void> {
    const checked = new Set<string>();
    const revisions = [];
    for (const op of ops) {
      const p = op.payload as unknown as WikiRevisionPayload;
      if (!checked.has(p.orgId)) await assertOrgInLog(tx, op, p.orgId);
      checked.add(p.orgId);
      revisions.push(
        revisionFromOp(op, 'wiki', {
          orgId: p.orgId,
          key: p.path,
          title: p.title,
          content: p.content,
          resolves: p.resolves,
        }),
      );
    }
    const pages = await new DocumentStore(tx).addRevisions(revisions);
    await insertRows(
      tx,
      'wiki_page',
      PAGE_COLUMNS,
      pages.map(({ org, key, state }) => [
        org,
        key,
        state.current.title,
        state.current.content,
        JSON.stringify(state.heads),
        state.current.id,
        state.conflictId,
        state.createdHlc,
        state.updatedHlc,
        state.current.actor,
      ]),
      `ON CONFLICT (org_id, path) DO UPDATE SET ${PAGE_COLUMNS.slice(2)
        .map((c) => `${c} = excluded.${c}`)
        .join(', ')}`,
    );
    await markForIndex(
      tx,
      pages.map(({ org, key }) => ({ orgId: org, kind: 'page', ref: key })),
    );
  }

  async stateRows(tx: EntityManager, rootOrg: string): Promise<unknown[]> {
    return [
      await tx.query(
        `SELECT org_id, path, title, content, head_ids, current_revision_id, conflict_id, created_hlc, updated_hlc FROM wiki_page
         WHERE org_id IN (SELECT id FROM org WHERE root_id = ?) ORDER BY org_id, path`,
        [rootOrg],
      ),
      ...(await DocumentStore.stateRows(tx, 'wiki', rootOrg)),
    ];
  }

  async clear(tx: EntityManager): Promise<void> {
    await tx.query('DELETE FROM wiki_page');
    await tx.query(`DELETE FROM doc_revision WHERE doc_kind = 'wiki'`);
    await tx.query(`DELETE FROM conflict WHERE doc_kind = 'wiki'`);
    await clearIndex(tx, 'page');
  }
}
