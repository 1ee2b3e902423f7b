import type { OpDraft } from '@gatehouse/mesh';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Viewer } from '../auth/viewer.js';
import { forbidden, notFound } from '../common/gatehouse-error.js';
import { hlcToDate } from '../common/hlc-time.js';
import { newId } from '../common/ids.js';
import { RevisionsService } from '../documents/revisions.service.js';
import { LiveUpdates } from '../graphql/live-updates.service.js';
import { type Connection, decodeCursor, toConnection } from '../graphql/pagination.js';
import { OpLogService } from '../oplog/oplog.service.js';
import { DATA_SOURCE } from '../oplog/tokens.js';
import { type Access, AccessService } from '../orgs/access.service.js';
import { roleAtLeast } from '../orgs/roles.js';
import type { BlogRevisionPayload, PostStatus } from './blog.projection.js';
import type { BlogComment, BlogPost } from './dtos/blog.types.js';

interface PostRow {
  id: string;
  org_id: string;
  title: string;
  content: string;
  html: string;
  head_ids: string;
  current_revision_id: string;
  conflict_id: string | null;
  status: PostStatus;
  author_id: string | null;
  created_hlc: string;
  updated_hlc: string;
  published_hlc: string | null;
}

const toPost = (r: PostRow): BlogPost => ({
  id: r.id,
  orgId: r.org_id,
  title: r.title,
  content: r.content,
  html: r.html,
  status: r.status,
  authorId: r.author_id,
  currentRevisionId: r.current_revision_id,
  headRevisionIds: JSON.parse(r.head_ids),
  conflictId: r.conflict_id,
  createdAt: hlcToDate(r.created_hlc),
  updatedAt: hlcToDate(r.updated_hlc),
  publishedAt: r.published_hlc ? hlcToDate(r.published_hlc) : null,
});

export const blogTopic = (orgId: string) => `blog:${orgId}`;

/** Posts (draft or published), their edits and comments. Drafts are for editors and their author. */
@Injectable()
export class BlogService implements OnModuleInit {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    private readonly oplog: OpLogService,
    private readonly access: AccessService,
    private readonly revisions: RevisionsService,
    private readonly live: LiveUpdates,
  ) {}

  onModuleInit(): void {
    this.live.follow(this.oplog.committed, async (ops) => {
      const touched = new Map<string, string>();
      for (const op of ops) {
        if (!op.kind.startsWith('blog.')) continue;
        const p = op.payload as { orgId: string; postId?: string };
        if (p.postId) touched.set(p.postId, p.orgId);
      }
      for (const [postId, orgId] of touched) {
        if (!this.live.watched(blogTopic(orgId))) continue;
        const row = await this.row(orgId, postId);
        if (row) this.live.publish(blogTopic(orgId), { blogPostChanged: toPost(row) });
      }
    });
  }

  private async row(orgId: string, postId: string): Promise<PostRow | null> {
    const [row] = await this.db.query('SELECT * FROM blog_post WHERE id = ? AND org_id = ?', [postId, orgId]);
    return row ?? null;
  }

  /** Whether the viewer may read the organisation's drafts (throws unless they may read it at all). */
  async readsDrafts(viewer: Viewer | null, orgId: string): Promise<boolean> {
    return roleAtLeast((await this.access.require(viewer, orgId, 'viewer')).role, 'editor');
  }

  private canSee(access: Access, row: PostRow): boolean {
    return (
      row.status === 'published' ||
      roleAtLeast(access.role, 'editor') ||
      row.author_id === access.viewer.accountId
    );
  }

  async post(viewer: Viewer | null, orgId: string, postId: string): Promise<BlogPost> {
    const access = await this.access.require(viewer, orgId, 'viewer');
    const row = await this.row(orgId, postId);
    if (!row || !this.canSee(access, row)) throw notFound(`post ${postId}`);
    return toPost(row);
  }

  async posts(
    viewer: Viewer | null,
    orgId: string,
    status: PostStatus | null,
    first: number,
    after?: string,
  ): Promise<Connection<BlogPost>> {
    const access = await this.access.require(viewer, orgId, 'viewer');
    const [hlc, id] = (decodeCursor(after) ?? ['\uffff', '']) as [string, string];
    const seeDrafts = roleAtLeast(access.role, 'editor');
    const rows: PostRow[] = await this.db.query(
      `SELECT * FROM blog_post WHERE org_id = ? AND (? IS NULL OR status = ?)
         AND (status = 'published' OR ? OR author_id = ?) AND (created_hlc, id) < (?, ?)
       ORDER BY created_hlc DESC, id DESC LIMIT ?`,
      [orgId, status, status, seeDrafts ? 1 : 0, access.viewer.accountId, hlc, id, first + 1],
    );
    return toConnection(rows, first, (r) => [r.created_hlc, r.id], toPost);
  }

  async create(
    viewer: Viewer | null,
    input: { orgId: string; title: string; content: string; publish: boolean },
  ): Promise<BlogPost> {
    const { org } = await this.access.require(viewer, input.orgId, 'editor');
    const postId = newId();
    const revision: BlogRevisionPayload = {
      orgId: org.id,
      postId,
      title: input.title,
      content: input.content,
      resolves: false,
    };
    const drafts: OpDraft[] = [
      {
        org: org.root_id,
        actor: viewer!.accountId,
        kind: 'blog.revision',
        entity: postId,
        payload: { ...revision },
      },
    ];
    if (input.publish) drafts.push(this.statusDraft(org.root_id, viewer!, org.id, postId, 'published'));
    await this.oplog.append(drafts);
    return toPost((await this.row(org.id, postId))!);
  }

  async edit(
    viewer: Viewer | null,
    input: { orgId: string; postId: string; title: string; content: string; baseRevisionId: string },
  ): Promise<BlogPost> {
    const access = await this.access.require(viewer, input.orgId, 'member');
    const row = await this.row(input.orgId, input.postId);
    if (!row) throw notFound(`post ${input.postId}`);
    if (!roleAtLeast(access.role, 'editor') && row.author_id !== viewer!.accountId) {
      throw forbidden('only editors and the author can edit a post');
    }
    const parents = await this.revisions.parentsForEdit(
      input.orgId,
      'blog',
      input.postId,
      input.baseRevisionId,
    );
    return this.writeRevision(access, { ...input, resolves: false }, parents);
  }

  /** Resolves an edit conflict of a post with a revision that names all of its heads. */
  async resolve(
    viewer: Viewer | null,
    orgId: string,
    postId: string,
    heads: string[],
    title: string,
    content: string,
  ) {
    const access = await this.access.require(viewer, orgId, 'editor');
    return this.writeRevision(access, { orgId, postId, title, content, resolves: true }, heads);
  }

  private async writeRevision(
    access: Access,
    payload: BlogRevisionPayload,
    parents: string[],
  ): Promise<BlogPost> {
    await this.oplog.append([
      {
        org: access.org.root_id,
        actor: access.viewer.accountId,
        kind: 'blog.revision',
        entity: payload.postId,
        payload: {
          orgId: payload.orgId,
          postId: payload.postId,
          title: payload.title,
          content: payload.content,
          resolves: payload.resolves,
        },
        parents,
      },
    ]);
    return toPost((await this.row(payload.orgId, payload.postId))!);
  }

  async setStatus(
    viewer: Viewer | null,
    orgId: string,
    postId: string,
    status: PostStatus,
  ): Promise<BlogPost> {
    const { org } = await this.access.require(viewer, orgId, 'editor');
    if (!(await this.row(orgId, postId))) throw notFound(`post ${postId}`);
    await this.oplog.append([this.statusDraft(org.root_id, viewer!, orgId, postId, status)]);
    return toPost((await this.row(orgId, postId))!);
  }

  private statusDraft(
    rootOrg: string,
    viewer: Viewer,
    orgId: string,
    postId: string,
    status: PostStatus,
  ): OpDraft {
    return {
      org: rootOrg,
      actor: viewer.accountId,
      kind: 'blog.status',
      entity: postId,
      payload: { orgId, postId, status },
    };
  }

  async comments(viewer: Viewer | null, orgId: string, postId: string): Promise<BlogComment[]> {
    await this.post(viewer, orgId, postId);
    const rows: {
      id: string;
      post_id: string;
      author_id: string | null;
      content: string;
      html: string;
      hlc: string;
    }[] = await this.db.query(
      'SELECT * FROM blog_comment WHERE org_id = ? AND post_id = ? AND deleted = 0 ORDER BY hlc, id LIMIT 500',
      [orgId, postId],
    );
    return rows.map((r) => ({
      id: r.id,
      postId: r.post_id,
      authorId: r.author_id,
      content: r.content,
      html: r.html,
      createdAt: hlcToDate(r.hlc),
    }));
  }

  async addComment(
    viewer: Viewer | null,
    input: { orgId: string; postId: string; content: string },
  ): Promise<BlogComment> {
    const { org } = await this.access.require(viewer, input.orgId, 'member');
    await this.post(viewer, input.orgId, input.postId);
    const commentId = newId();
    await this.oplog.append([
      {
        org: org.root_id,
        actor: viewer!.accountId,
        kind: 'blog.comment',
        entity: commentId,
        payload: { orgId: org.id, postId: input.postId, commentId, content: input.content },
      },
    ]);
    return (await this.comments(viewer, input.orgId, input.postId)).find((c) => c.id === commentId)!;
  }

  async deleteComment(viewer: Viewer | null, orgId: string, commentId: string): Promise<boolean> {
    const access = await this.access.require(viewer, orgId, 'member');
    const [row] = await this.db.query(
      'SELECT author_id FROM blog_comment WHERE id = ? AND org_id = ? AND deleted = 0',
      [commentId, orgId],
    );
    if (!row) throw notFound(`comment ${commentId}`);
    if (row.author_id !== viewer!.accountId && !roleAtLeast(access.role, 'editor')) {
      throw forbidden('only editors and the comment author can delete a comment');
    }
    await this.oplog.append([
      {
        org: access.org.root_id,
        actor: viewer!.accountId,
        kind: 'blog.commentDeleted',
        entity: commentId,
        payload: { orgId, commentId },
      },
    ]);
    return true;
  }
}
