import { createHash } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Viewer } from '../auth/viewer.js';
import { CommitCache } from '../common/commit-cache.js';
import { notFound } from '../common/gatehouse-error.js';
import { hlcToDate } from '../common/hlc-time.js';
import { renderMarkdown } from '../common/markdown.js';
import { TtlCache } from '../common/ttl-cache.js';
import { RevisionsService } from '../documents/revisions.service.js';
import { LiveUpdates } from '../graphql/live-updates.service.js';
import { type Connection, decodeCursor, toConnection } from '../graphql/pagination.js';
import { OpLogService } from '../oplog/oplog.service.js';
import { DATA_SOURCE } from '../oplog/tokens.js';
import { AccessService } from '../orgs/access.service.js';
import type { WikiPage } from './dtos/wiki.types.js';
import type { WikiRevisionPayload } from './wiki.projection.js';
import { normalisePagePath } from './wiki-path.util.js';

interface WikiPageRow {
  org_id: string;
  path: string;
  title: string;
  content: string;
  head_ids: string;
  current_revision_id: string;
  conflict_id: string | null;
  created_hlc: string;
  updated_hlc: string;
  updated_by: string | null;
}

/**
 * Page HTML is rendered when a reader asks for it, once per text: a
 * replicated edit nobody reads costs no rendering. Keyed by a hash of the
 * text, since a merge revision's id names its heads, not its content (a
 * late common ancestor can change the merge under the same id).
 */
const rendered = new TtlCache<string>(10 * 60_000, 2_000);
function htmlOf(r: WikiPageRow): string {
  const key = createHash('sha256').update(r.content).digest('base64');
  let html = rendered.get(key);
  if (html === undefined) {
    html = renderMarkdown(r.content);
    rendered.set(key, html);
  }
  return html;
}

const toPage = (r: WikiPageRow): WikiPage => ({
  orgId: r.org_id,
  path: r.path,
  title: r.title,
  content: r.content,
  get html() {
    return htmlOf(r);
  },
  currentRevisionId: r.current_revision_id,
  headRevisionIds: JSON.parse(r.head_ids),
  conflictId: r.conflict_id,
  updatedById: r.updated_by,
  createdAt: hlcToDate(r.created_hlc),
  updatedAt: hlcToDate(r.updated_hlc),
});

const pageKey = (orgId: string, path: string) => `${orgId}\0${path}`;

export const wikiTopic = (orgId: string) => `wiki:${orgId}`;

/** Reading and editing wiki pages. Every edit names the revision it was based on. */
@Injectable()
export class WikiService implements OnModuleInit {
  /** Pages are read far more often than written: recent ones stay in memory (about 8 MB of text). */
  private readonly recent = new CommitCache<WikiPageRow | null>(8_000_000, (row) =>
    row ? 200 + row.content.length + row.title.length : 100,
  );

  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    private readonly oplog: OpLogService,
    private readonly access: AccessService,
    private readonly revisions: RevisionsService,
    private readonly live: LiveUpdates,
  ) {}

  onModuleInit(): void {
    this.oplog.rebuilt.subscribe(() => this.recent.clear());
    // Local and replicated edits alike reach subscribers once committed.
    this.live.follow(this.oplog.committed, async (ops) => {
      const touched = new Map<string, { orgId: string; path: string }>();
      for (const op of ops) {
        if (op.kind !== 'wiki.revision') continue;
        const p = op.payload as unknown as WikiRevisionPayload;
        touched.set(pageKey(p.orgId, p.path), { orgId: p.orgId, path: p.path });
      }
      for (const key of touched.keys()) this.recent.invalidate(key);
      for (const { orgId, path } of touched.values()) {
        if (!this.live.watched(wikiTopic(orgId))) continue;
        const row = await this.row(orgId, path);
        if (row) this.live.publish(wikiTopic(orgId), { wikiPageChanged: toPage(row) });
      }
    });
  }

  private row(orgId: string, path: string): Promise<WikiPageRow | null> {
    return this.recent.get(pageKey(orgId, path), async () => {
      const [row] = await this.db.query('SELECT * FROM wiki_page WHERE org_id = ? AND path = ?', [
        orgId,
        path,
      ]);
      return row ?? null;
    });
  }

  async page(viewer: Viewer | null, orgId: string, path: string): Promise<WikiPage | null> {
    await this.access.require(viewer, orgId, 'viewer');
    const row = await this.row(orgId, normalisePagePath(path));
    return row ? toPage(row) : null;
  }

  async pages(
    viewer: Viewer | null,
    orgId: string,
    first: number,
    after?: string,
  ): Promise<Connection<WikiPage>> {
    await this.access.require(viewer, orgId, 'viewer');
    const [afterPath] = (decodeCursor(after) ?? ['']) as string[];
    const rows: WikiPageRow[] = await this.db.query(
      'SELECT * FROM wiki_page WHERE org_id = ? AND path > ? ORDER BY path LIMIT ?',
      [orgId, afterPath, first + 1],
    );
    return toConnection(rows, first, (r) => [r.path], toPage);
  }

  async save(
    viewer: Viewer | null,
    input: { orgId: string; path: string; title: string; content: string; baseRevisionId?: string | null },
  ): Promise<WikiPage> {
    const { org } = await this.access.require(viewer, input.orgId, 'editor');
    const path = normalisePagePath(input.path);
    const parents = await this.revisions
      .parentsForEdit(org.id, 'wiki', path, input.baseRevisionId)
      .catch((err) => {
        // The editor worked from what the cache showed; let their next read see the log as it is.
        this.recent.invalidate(pageKey(org.id, path));
        throw err;
      });
    return this.write(
      viewer!,
      org.root_id,
      { orgId: org.id, path, title: input.title, content: input.content, resolves: false },
      parents,
    );
  }

  /** Resolves an edit conflict of a page with a revision that names all of its heads. */
  async resolve(
    viewer: Viewer | null,
    orgId: string,
    path: string,
    heads: string[],
    title: string,
    content: string,
  ) {
    const { org } = await this.access.require(viewer, orgId, 'editor');
    return this.write(viewer!, org.root_id, { orgId: org.id, path, title, content, resolves: true }, heads);
  }

  private async write(
    viewer: Viewer,
    rootOrg: string,
    payload: WikiRevisionPayload,
    parents: string[],
  ): Promise<WikiPage> {
    await this.oplog.append([
      {
        org: rootOrg,
        actor: viewer.accountId,
        kind: 'wiki.revision',
        entity: `${payload.orgId}/${payload.path}`,
        payload: { ...payload },
        parents,
      },
    ]);
    const row = await this.row(payload.orgId, payload.path);
    if (!row) throw notFound(`page ${payload.path}`);
    return toPage(row);
  }

  async requireReadable(viewer: Viewer | null, orgId: string): Promise<void> {
    await this.access.require(viewer, orgId, 'viewer');
  }
}
