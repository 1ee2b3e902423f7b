import { Inject, Injectable } from '@nestjs/common';
import { createTwoFilesPatch, diffLines } from 'diff';
import type { DataSource } from 'typeorm';
import { badInput, conflict, notFound } from '../common/gatehouse-error.js';
import { hlcToDate } from '../common/hlc-time.js';
import { DATA_SOURCE } from '../oplog/tokens.js';
import type { DocKind, RevisionRow } from './document-store.js';
import {
  ConflictStatus,
  DiffLineKind,
  type EditConflict,
  type Revision,
  type RevisionDiff,
} from './dtos/revision.types.js';
import { type StoredRevisionRow, withTexts } from './revision-texts.js';

export interface ConflictRow {
  id: string;
  org_id: string;
  doc_kind: DocKind;
  doc_key: string;
  head_ids: string;
  status: 'open' | 'resolved';
  opened_hlc: string;
  resolved_by: string | null;
}

export const toRevision = (r: RevisionRow): Revision => ({
  id: r.id,
  title: r.title,
  content: r.content,
  parentIds: JSON.parse(r.parents),
  authorId: r.actor,
  gatewayId: r.author,
  isMerge: !!r.derived,
  resolvesConflict: !!r.resolves,
  createdAt: hlcToDate(r.hlc),
});

/** Reads revisions, diffs and edit conflicts of wiki pages and blog posts. */
@Injectable()
export class RevisionsService {
  constructor(@Inject(DATA_SOURCE) private readonly db: DataSource) {}

  async revision(orgId: string, id: string): Promise<RevisionRow> {
    const rows = await this.db.query('SELECT * FROM doc_revision WHERE id = ? AND org_id = ?', [id, orgId]);
    if (!rows.length) throw notFound(`revision ${id}`);
    return (await withTexts(this.db, rows))[0];
  }

  /** History of a document, newest first. */
  async history(
    orgId: string,
    kind: DocKind,
    key: string,
    limit: number,
    before?: [string, string],
  ): Promise<RevisionRow[]> {
    const [hlc, id] = before ?? ['\uffff', ''];
    const rows: StoredRevisionRow[] = await this.db.query(
      `SELECT * FROM doc_revision WHERE org_id = ? AND doc_kind = ? AND doc_key = ? AND (hlc, id) < (?, ?)
       ORDER BY hlc DESC, id DESC LIMIT ?`,
      [orgId, kind, key, hlc, id, limit],
    );
    return withTexts(this.db, rows);
  }

  /**
   * The parents of a new edit based on `baseId`. An edit of a merge revision
   * names the merged heads instead: merge revisions are derived, not in the log.
   */
  async parentsForEdit(
    orgId: string,
    kind: DocKind,
    key: string,
    baseId: string | null | undefined,
  ): Promise<string[]> {
    if (!baseId) {
      const [current] = await this.db.query(
        'SELECT id FROM doc_revision WHERE org_id = ? AND doc_kind = ? AND doc_key = ? LIMIT 1',
        [orgId, kind, key],
      );
      if (current)
        throw conflict('this already exists: base your edit on its current revision (baseRevisionId)');
      return [];
    }
    const [base]: StoredRevisionRow[] = await this.db.query(
      'SELECT * FROM doc_revision WHERE id = ? AND org_id = ? AND doc_kind = ? AND doc_key = ?',
      [baseId, orgId, kind, key],
    );
    if (!base)
      throw badInput('unknown base revision', [
        { field: 'baseRevisionId', message: 'not a revision of this document' },
      ]);
    return base.derived ? JSON.parse(base.parents) : [base.id];
  }

  async diff(orgId: string, fromId: string, toId: string): Promise<RevisionDiff> {
    const [from, to] = [await this.revision(orgId, fromId), await this.revision(orgId, toId)];
    if (from.doc_kind !== to.doc_kind || from.doc_key !== to.doc_key) {
      throw notFound('a common document of these two revisions');
    }
    const lines = diffLines(from.content, to.content).flatMap((change) =>
      change.value
        .replace(/\n$/, '')
        .split('\n')
        .map((text) => ({
          kind: change.added ? DiffLineKind.added : change.removed ? DiffLineKind.removed : DiffLineKind.same,
          text,
        })),
    );
    const unified = createTwoFilesPatch(from.doc_key, to.doc_key, from.content, to.content, from.id, to.id);
    return { fromId, toId, unified, lines };
  }

  async conflictRow(orgId: string, id: string): Promise<ConflictRow> {
    const [row] = await this.db.query('SELECT * FROM conflict WHERE id = ? AND org_id = ?', [id, orgId]);
    if (!row) throw notFound(`conflict ${id}`);
    return row;
  }

  conflictRows(
    orgIds: string[],
    status: ConflictStatus | null,
    limit: number,
    before?: [string, string],
  ): Promise<ConflictRow[]> {
    if (!orgIds.length) return Promise.resolve([]);
    const [hlc, id] = before ?? ['\uffff', ''];
    return this.db.query(
      `SELECT * FROM conflict WHERE org_id IN (${orgIds.map(() => '?').join(',')}) AND (? IS NULL OR status = ?)
       AND (opened_hlc, id) < (?, ?) ORDER BY opened_hlc DESC, id DESC LIMIT ?`,
      [...orgIds, status, status, hlc, id, limit],
    );
  }

  async toConflict(row: ConflictRow): Promise<EditConflict> {
    const headIds: string[] = JSON.parse(row.head_ids);
    const heads = await withTexts(
      this.db,
      await this.db.query(
        `SELECT * FROM doc_revision WHERE id IN (${headIds.map(() => '?').join(',')}) ORDER BY hlc, id`,
        headIds,
      ),
    );
    return {
      id: row.id,
      orgId: row.org_id,
      docKind: row.doc_kind,
      docKey: row.doc_key,
      status: row.status === 'open' ? ConflictStatus.open : ConflictStatus.resolved,
      headIds,
      heads: heads.map(toRevision),
      resolvedById: row.resolved_by,
      updatedAt: hlcToDate(row.opened_hlc),
    };
  }
}
