import type { Op } from '@gatehouse/mesh';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { renderMarkdown } from '../common/markdown.js';
import { DocumentStore, revisionFromOp } from '../documents/document-store.js';
import type { Projection } from '../oplog/projection.js';
import { ProjectionRegistry } from '../oplog/projection-registry.js';
import { assertOrgInLog } from '../orgs/org-in-log.util.js';
import { clearIndex, indexDocument } from '../search/search-index.js';

export interface WikiRevisionPayload {
  orgId: string;
  path: string;
  title: string;
  content: string;
  resolves: boolean;
}

export const MAX_CONTENT = 200_000;

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

  async apply(tx: EntityManager, op: Op): Promise<void> {
    const p = op.payload as unknown as WikiRevisionPayload;
    await assertOrgInLog(tx, op, p.orgId);
    const state = await new DocumentStore(tx).addRevision(
      revisionFromOp(op, 'wiki', {
        orgId: p.orgId,
        key: p.path,
        title: p.title,
        content: p.content,
        resolves: p.resolves,
      }),
    );
    const { current } = state;
    await tx.query(
      `INSERT INTO wiki_page (org_id, path, title, content, html, head_ids, current_revision_id, conflict_id, created_hlc, updated_hlc, updated_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (org_id, path) DO UPDATE SET title = excluded.title, content = excluded.content, html = excluded.html,
         head_ids = excluded.head_ids, current_revision_id = excluded.current_revision_id, conflict_id = excluded.conflict_id,
         created_hlc = excluded.created_hlc, updated_hlc = excluded.updated_hlc, updated_by = excluded.updated_by`,
      [
        p.orgId,
        p.path,
        current.title,
        current.content,
        renderMarkdown(current.content),
        JSON.stringify(state.heads),
        current.id,
        state.conflictId,
        state.createdHlc,
        state.updatedHlc,
        current.actor,
      ],
    );
    await indexDocument(tx, {
      orgId: p.orgId,
      kind: 'page',
      ref: p.path,
      title: current.title,
      body: current.content,
    });
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
