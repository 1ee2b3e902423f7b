import { lwwStamp, type Op } from '@gatehouse/mesh';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { renderMarkdown } from '../common/markdown.js';
import { DocumentStore, revisionFromOp } from '../documents/document-store.js';
import { latestOp } from '../oplog/op-row.js';
import { OpRejectedError, type Projection } from '../oplog/projection.js';
import { ProjectionRegistry } from '../oplog/projection-registry.js';
import { assertOrgInLog } from '../orgs/org-in-log.util.js';
import { clearIndex, markForIndex } from '../search/search-index.js';

/** Who wrote a comment, and so who may delete it, is read by entity (OpJudge). */
function assertCommentEntity(op: Op, commentId: string): void {
  if (op.entity !== commentId) throw new OpRejectedError(op.id, 'entity must be the comment id');
}

export const POST_STATUSES = ['draft', 'published'] as const;
export type PostStatus = (typeof POST_STATUSES)[number];
export const MAX_POST = 200_000;
export const MAX_COMMENT = 10_000;

export interface BlogRevisionPayload {
  orgId: string;
  postId: string;
  title: string;
  content: string;
  resolves: boolean;
}

const id = { type: 'string', minLength: 1, maxLength: 128 } as const;

/**
 * Blog posts (text in the shared document DAG; status last-writer-wins) and
 * their comments (a deletion wins over the comment, whatever arrives first).
 */
@Injectable()
export class BlogProjection implements Projection, OnModuleInit {
  readonly name = 'blog';
  readonly payloadSchemas = {
    'blog.revision': {
      type: 'object',
      additionalProperties: false,
      required: ['orgId', 'postId', 'title', 'content', 'resolves'],
      properties: {
        orgId: id,
        postId: id,
        title: { type: 'string', minLength: 1, maxLength: 300 },
        content: { type: 'string', maxLength: MAX_POST },
        resolves: { type: 'boolean' },
      },
    },
    'blog.status': {
      type: 'object',
      additionalProperties: false,
      required: ['orgId', 'postId', 'status'],
      properties: { orgId: id, postId: id, status: { type: 'string', enum: [...POST_STATUSES] } },
    },
    'blog.comment': {
      type: 'object',
      additionalProperties: false,
      required: ['orgId', 'postId', 'commentId', 'content'],
      properties: {
        orgId: id,
        postId: id,
        commentId: id,
        content: { type: 'string', minLength: 1, maxLength: MAX_COMMENT },
      },
    },
    'blog.commentDeleted': {
      type: 'object',
      additionalProperties: false,
      required: ['orgId', 'commentId'],
      properties: { orgId: id, commentId: id },
    },
  };

  constructor(private readonly registry: ProjectionRegistry) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async apply(tx: EntityManager, op: Op): Promise<void> {
    const orgId = (op.payload as { orgId: string }).orgId;
    await assertOrgInLog(tx, op, orgId);
    switch (op.kind) {
      case 'blog.revision':
        return this.applyRevision(tx, op);
      case 'blog.status': {
        const p = op.payload as { orgId: string; postId: string; status: PostStatus };
        await tx.query(
          `UPDATE blog_post SET status = ?, status_stamp = ?, published_hlc = CASE WHEN ? = 'published' THEN ? ELSE NULL END
           WHERE org_id = ? AND id = ? AND status_stamp < ?`,
          [p.status, lwwStamp(op), p.status, op.hlc, p.orgId, p.postId, lwwStamp(op)],
        );
        return;
      }
      case 'blog.comment': {
        const p = op.payload as { orgId: string; postId: string; commentId: string; content: string };
        assertCommentEntity(op, p.commentId);
        const deletion = await latestOp(tx, op.org, 'blog.commentDeleted', p.commentId);
        await tx.query(
          `INSERT INTO blog_comment (id, org_id, post_id, author_id, content, html, hlc, deleted, deleted_stamp)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (org_id, id) DO NOTHING`,
          [
            p.commentId,
            p.orgId,
            p.postId,
            op.actor,
            p.content,
            renderMarkdown(p.content),
            op.hlc,
            deletion ? 1 : 0,
            null,
          ],
        );
        return;
      }
      case 'blog.commentDeleted': {
        const p = op.payload as { orgId: string; commentId: string };
        assertCommentEntity(op, p.commentId);
        await tx.query('UPDATE blog_comment SET deleted = 1 WHERE org_id = ? AND id = ?', [
          p.orgId,
          p.commentId,
        ]);
        return;
      }
    }
  }

  private async applyRevision(tx: EntityManager, op: Op): Promise<void> {
    const p = op.payload as unknown as BlogRevisionPayload;
    const state = await new DocumentStore(tx).addRevision(
      revisionFromOp(op, 'blog', {
        orgId: p.orgId,
        key: p.postId,
        title: p.title,
        content: p.content,
        resolves: p.resolves,
      }),
    );
    const { current } = state;
    // A status change may have arrived before the post's first revision.
    const status = await latestOp(tx, op.org, 'blog.status', p.postId);
    const [first] = await tx.query(
      `SELECT actor FROM doc_revision WHERE org_id = ? AND doc_kind = 'blog' AND doc_key = ? AND derived = 0 AND parents = '[]'
       ORDER BY hlc, id LIMIT 1`,
      [p.orgId, p.postId],
    );
    const s = status ? (status.payload as { status: PostStatus }).status : 'draft';
    await tx.query(
      `INSERT INTO blog_post (id, org_id, title, content, html, head_ids, current_revision_id, conflict_id, status, status_stamp,
         author_id, created_hlc, updated_hlc, published_hlc)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (org_id, id) DO UPDATE SET title = excluded.title, content = excluded.content, html = excluded.html,
         head_ids = excluded.head_ids, current_revision_id = excluded.current_revision_id, conflict_id = excluded.conflict_id,
         author_id = excluded.author_id, created_hlc = excluded.created_hlc, updated_hlc = excluded.updated_hlc`,
      [
        p.postId,
        p.orgId,
        current.title,
        current.content,
        renderMarkdown(current.content),
        JSON.stringify(state.heads),
        current.id,
        state.conflictId,
        s,
        status ? lwwStamp(status) : '',
        first?.actor ?? null,
        state.createdHlc,
        state.updatedHlc,
        status && s === 'published' ? status.hlc : null,
      ],
    );
    await markForIndex(tx, [{ orgId: p.orgId, kind: 'post', ref: p.postId }]);
  }

  async stateRows(tx: EntityManager, rootOrg: string): Promise<unknown[]> {
    const inOrg = 'org_id IN (SELECT id FROM org WHERE root_id = ?)';
    return [
      await tx.query(
        `SELECT id, org_id, title, content, head_ids, current_revision_id, conflict_id, status, status_stamp, author_id,
           created_hlc, updated_hlc, published_hlc FROM blog_post WHERE ${inOrg} ORDER BY org_id, id`,
        [rootOrg],
      ),
      await tx.query(
        `SELECT id, org_id, post_id, author_id, content, hlc, deleted FROM blog_comment WHERE ${inOrg} ORDER BY org_id, id`,
        [rootOrg],
      ),
      ...(await DocumentStore.stateRows(tx, 'blog', rootOrg)),
    ];
  }

  async clear(tx: EntityManager): Promise<void> {
    await tx.query('DELETE FROM blog_post');
    await tx.query('DELETE FROM blog_comment');
    await tx.query(`DELETE FROM doc_revision WHERE doc_kind = 'blog'`);
    await tx.query(`DELETE FROM conflict WHERE doc_kind = 'blog'`);
    await clearIndex(tx, 'post');
  }
}
