import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Viewer } from '../auth/viewer.js';
import { badInput, unauthenticated } from '../common/gatehouse-error.js';
import { DATA_SOURCE, LOGGER } from '../oplog/tokens.js';
import { AccessService } from '../orgs/access.service.js';
import { roleAtLeast } from '../orgs/roles.js';
import type { SearchHit } from './dtos/search.types.js';
import { SearchIndexer } from './search-indexer.service.js';

/**
 * Turns what a person typed into an FTS5 query: every word must match (as a
 * prefix), and FTS5 operators in the input are taken as plain words.
 */
export function toFtsQuery(text: string): string {
  const words = text.match(/[\p{L}\p{N}_]+/gu) ?? [];
  return words
    .slice(0, 12)
    .map((w) => `"${w}"*`)
    .join(' ');
}

/** Full-text search over the organisations this gateway hosts, limited to what the viewer may read. */
@Injectable()
export class SearchService {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    private readonly access: AccessService,
    private readonly indexer: SearchIndexer,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async search(
    viewer: Viewer | null,
    text: string,
    orgId: string | null,
    first: number,
  ): Promise<SearchHit[]> {
    if (!viewer) throw unauthenticated();
    const query = toFtsQuery(text);
    if (!query) throw badInput('empty search', [{ field: 'query', message: 'type at least one word' }]);
    let readable = await this.access.readable(viewer.accountId);
    if (orgId) readable = readable.filter((r) => r.org.id === orgId);
    if (!readable.length) return [];
    const all = readable.map((r) => r.org.id);
    // A failed indexing step leaves marks for the next one; the index answers meanwhile.
    await this.indexer
      .refresh()
      .catch((err) => this.log.warn({ err }, 'search index not brought up to date'));
    const drafts = readable.filter((r) => roleAtLeast(r.role, 'editor')).map((r) => r.org.id);
    const marks = (xs: string[]) => xs.map(() => '?').join(',') || "''";
    return this.db.query(
      `SELECT s.kind, s.org_id AS orgId, s.ref, s.title, snippet(search_index, 4, '[', ']', '…', 16) AS snippet
       FROM search_index s LEFT JOIN blog_post p ON s.kind = 'post' AND p.org_id = s.org_id AND p.id = s.ref
       WHERE search_index MATCH ? AND s.org_id IN (${marks(all)})
         AND (s.kind <> 'post' OR p.status = 'published' OR p.author_id = ? OR s.org_id IN (${marks(drafts)}))
       ORDER BY bm25(search_index, 0, 0, 0, 4.0, 1.0) LIMIT ?`,
      [query, ...all, viewer.accountId, ...drafts, first],
    );
  }
}
