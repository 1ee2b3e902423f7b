import { createHash } from 'node:crypto';
import type { Op } from '@gatehouse/mesh';
import type { EntityManager } from 'typeorm';
import { insertRows, queryIn } from '../database/bulk-sql.js';
import { commonAncestor, headsOf, newerFirst, type RevisionNode } from './revision-graph.util.js';
import { type StoredRevisionRow, withTexts } from './revision-texts.js';
import { mergeText } from './text-merge.util.js';

export type DocKind = 'wiki' | 'blog';

export interface RevisionRow {
  id: string;
  org_id: string;
  doc_kind: DocKind;
  doc_key: string;
  title: string;
  content: string;
  parents: string;
  actor: string | null;
  author: string | null;
  hlc: string;
  derived: number;
  resolves: number;
}

export interface NewRevision {
  readonly id: string;
  readonly org: string;
  readonly kind: DocKind;
  readonly key: string;
  readonly title: string;
  readonly content: string;
  readonly parents: readonly string[];
  readonly actor: string | null;
  readonly author: string;
  readonly hlc: string;
  /** The edit resolves an edit conflict between its parents. */
  readonly resolves: boolean;
}

/** The revision an op writes: the op is the revision (same id, parents, author and time). */
export function revisionFromOp(
  op: Op,
  kind: DocKind,
  doc: { orgId: string; key: string; title: string; content: string; resolves: boolean },
): NewRevision {
  return {
    id: op.id,
    org: doc.orgId,
    kind,
    key: doc.key,
    title: doc.title,
    content: doc.content,
    parents: op.parents ?? [],
    actor: op.actor,
    author: op.author,
    hlc: op.hlc,
    resolves: doc.resolves,
  };
}

/** What a document shows, computed from all of its revisions. */
export interface DocumentState {
  readonly heads: string[];
  readonly current: RevisionRow;
  readonly createdHlc: string;
  readonly updatedHlc: string;
  /** Set when the heads do not merge cleanly. */
  readonly conflictId: string | null;
}

/** What an op-backed revision stores: everything but its text, which its op holds (StoredRevisionRow). */
const REVISION_COLUMNS = [
  'id',
  'org_id',
  'doc_kind',
  'doc_key',
  'title',
  'parents',
  'actor',
  'author',
  'hlc',
  'derived',
  'resolves',
] as const;
const REVISION_CONFLICT = 'ON CONFLICT (id) DO NOTHING';

/** A stored revision as doc_revision holds it (parents sorted, as JSON). */
function revisionRow(rev: NewRevision): RevisionRow {
  return {
    id: rev.id,
    org_id: rev.org,
    doc_kind: rev.kind,
    doc_key: rev.key,
    title: rev.title,
    content: rev.content,
    parents: JSON.stringify([...rev.parents].sort()),
    actor: rev.actor,
    author: rev.author,
    hlc: rev.hlc,
    derived: 0,
    resolves: rev.resolves ? 1 : 0,
  };
}

const revisionParams = (rev: NewRevision) => {
  const row = revisionRow(rev);
  return REVISION_COLUMNS.map((c) => row[c]);
};

/**
 * Where a document stands, as addRevisions needs it to add linear edits.
 * Each kind's projection keeps it in its row (DOCUMENT_ROWS), written from
 * the DocumentState of its last revision.
 */
interface DocSketch {
  heads: string[];
  createdHlc: string;
  updatedHlc: string;
}

/** A document touched by addRevisions and where it ended. */
export interface ChangedDocument {
  readonly org: string;
  readonly kind: DocKind;
  readonly key: string;
  state: DocumentState;
}

/** The projected row of each kind of document (its table and key column): its current title and text. */
export const DOCUMENT_ROWS: Record<DocKind, { table: string; key: string }> = {
  wiki: { table: 'wiki_page', key: 'path' },
  blog: { table: 'blog_post', key: 'id' },
};

const docKey = (org: string, kind: string, key: string) => `${org}\0${kind}\0${key}`;

const node = (r: StoredRevisionRow): RevisionNode => ({
  id: r.id,
  parents: JSON.parse(r.parents),
  hlc: r.hlc,
});
const digest = (label: string, ids: readonly string[]) =>
  createHash('sha256')
    .update(`${label}:${[...ids].sort().join(',')}`)
    .digest('hex');

/** The id of the merge revision of a set of heads: the same on every gateway. */
export const mergeRevisionId = (heads: readonly string[]) => digest('merge', heads);
/** The id of the edit conflict between a set of heads: the same on every gateway. */
export const conflictId = (heads: readonly string[]) => digest('conflict', heads);

/**
 * Revision DAGs of wiki pages and blog posts, shared by both projections.
 *
 * Everything a document shows is a function of its set of revisions, so it is
 * the same whatever order revisions arrived in: heads are revisions nobody
 * names as a parent; two or more heads are merged three-way against their
 * newest common ancestor. A clean merge becomes a derived merge revision
 * (id from the heads, content from the merge); an overlapping one is an open
 * edit conflict. Revisions that resolve a conflict mark it resolved.
 */
export class DocumentStore {
  constructor(private readonly tx: EntityManager) {}

  async addRevision(rev: NewRevision): Promise<DocumentState> {
    await insertRows(this.tx, 'doc_revision', REVISION_COLUMNS, [revisionParams(rev)], REVISION_CONFLICT);
    if (rev.resolves && rev.parents.length > 1) {
      await this.tx.query(
        `INSERT INTO conflict (id, org_id, doc_kind, doc_key, head_ids, status, opened_hlc, resolved_by)
         VALUES (?, ?, ?, ?, ?, 'resolved', ?, ?)
         ON CONFLICT (id) DO UPDATE SET status = 'resolved', resolved_by = excluded.resolved_by, opened_hlc = excluded.opened_hlc`,
        [
          conflictId(rev.parents),
          rev.org,
          rev.kind,
          rev.key,
          JSON.stringify([...rev.parents].sort()),
          rev.hlc,
          rev.id,
        ],
      );
    }
    return this.recompute(rev.org, rev.kind, rev.key);
  }

  /**
   * Adds revisions in order, with the same outcome as addRevision on each,
   * and returns where each touched document ended. The common case, an edit
   * whose parents are exactly its document's single head (or the first
   * revision of a new document), needs no other revision's content: its
   * rows wait and are written together. Anything else (concurrent edits,
   * merges, resolutions, a revision arriving after its child) writes what
   * waits and goes through addRevision.
   */
  async addRevisions(revs: readonly NewRevision[]): Promise<ChangedDocument[]> {
    const sketches = await this.sketches(revs);
    const changed = new Map<string, ChangedDocument>();
    const waiting: NewRevision[] = [];
    const write = async () => {
      await insertRows(
        this.tx,
        'doc_revision',
        REVISION_COLUMNS,
        waiting.splice(0).map(revisionParams),
        REVISION_CONFLICT,
      );
    };
    for (const rev of revs) {
      const key = docKey(rev.org, rev.kind, rev.key);
      const sketch = sketches.get(key)!;
      const parents = [...rev.parents].sort();
      let state: DocumentState;
      if (parents.length <= 1 && parents.join() === sketch.heads.join()) {
        // One head before (so no derived rows, no open conflict), one after: the new revision. It
        // cannot be held already, nor have children held: it would not have that head as parent.
        waiting.push(rev);
        state = {
          heads: [rev.id],
          current: revisionRow(rev),
          createdHlc: sketch.createdHlc && sketch.createdHlc < rev.hlc ? sketch.createdHlc : rev.hlc,
          updatedHlc: sketch.updatedHlc > rev.hlc ? sketch.updatedHlc : rev.hlc,
          conflictId: null,
        };
      } else {
        await write();
        state = await this.addRevision(rev);
      }
      sketch.heads = state.heads;
      sketch.createdHlc = state.createdHlc;
      sketch.updatedHlc = state.updatedHlc;
      changed.set(key, { org: rev.org, kind: rev.kind, key: rev.key, state });
    }
    await write();
    return [...changed.values()];
  }

  /**
   * Where the documents `revs` touch stand, from their projected rows (one
   * row per document, however long its history), one query per organisation.
   */
  private async sketches(revs: readonly NewRevision[]): Promise<Map<string, DocSketch>> {
    const wanted = new Map<string, { org: string; kind: DocKind; keys: Set<string> }>();
    for (const rev of revs) {
      const group = docKey(rev.org, rev.kind, '');
      if (!wanted.has(group)) wanted.set(group, { org: rev.org, kind: rev.kind, keys: new Set() });
      wanted.get(group)!.keys.add(rev.key);
    }
    const out = new Map<string, DocSketch>();
    for (const { org, kind, keys } of wanted.values()) {
      for (const key of keys) out.set(docKey(org, kind, key), { heads: [], createdHlc: '', updatedHlc: '' });
      const { table, key } = DOCUMENT_ROWS[kind];
      const rows = await queryIn<{
        doc_key: string;
        head_ids: string;
        created_hlc: string;
        updated_hlc: string;
      }>(
        this.tx,
        `SELECT ${key} AS doc_key, head_ids, created_hlc, updated_hlc FROM ${table} WHERE org_id = ? AND ${key} IN (?)`,
        [org],
        [...keys],
      );
      for (const r of rows)
        out.set(docKey(org, kind, r.doc_key), {
          heads: JSON.parse(r.head_ids),
          createdHlc: r.created_hlc,
          updatedHlc: r.updated_hlc,
        });
    }
    return out;
  }

  /** A document's state computed afresh from all of its revisions: what its projected row must show. */
  state(org: string, kind: DocKind, key: string): Promise<DocumentState> {
    return this.recompute(org, kind, key);
  }

  private async recompute(org: string, kind: DocKind, key: string): Promise<DocumentState> {
    const rows: StoredRevisionRow[] = await this.tx.query(
      'SELECT * FROM doc_revision WHERE org_id = ? AND doc_kind = ? AND doc_key = ? AND derived = 0',
      [org, kind, key],
    );
    const nodes = new Map(rows.map((r) => [r.id, node(r)]));
    const heads = headsOf([...nodes.values()]);
    const sorted = [...nodes.values()].sort(newerFirst);
    const createdHlc = sorted.at(-1)!.hlc;
    const updatedHlc = sorted[0].hlc;
    const newestHead = heads.map((h) => nodes.get(h)!).sort(newerFirst)[0];
    const base = heads.length > 1 ? commonAncestor(heads, nodes) : null;
    // Texts only of what is shown and merged: a long history is not read from the log.
    const wanted = new Set([...heads, ...(base ? [base.id] : [])]);
    const texts = await withTexts(
      this.tx,
      rows.filter((r) => wanted.has(r.id)),
    );
    const byId = new Map(texts.map((r) => [r.id, r]));

    // Derived rows and open conflicts only ever describe the current heads.
    const mergeId = heads.length > 1 ? mergeRevisionId(heads) : '';
    const openId = heads.length > 1 ? conflictId(heads) : '';
    await this.tx.query(
      'DELETE FROM doc_revision WHERE org_id = ? AND doc_kind = ? AND doc_key = ? AND derived = 1 AND id <> ?',
      [org, kind, key, mergeId],
    );
    await this.tx.query(
      `DELETE FROM conflict WHERE org_id = ? AND doc_kind = ? AND doc_key = ? AND status = 'open' AND id <> ?`,
      [org, kind, key, openId],
    );
    if (heads.length === 1) {
      return { heads, current: byId.get(heads[0])!, createdHlc, updatedHlc, conflictId: null };
    }

    const merged = this.merge(heads, base, byId);
    if (merged !== null) {
      const title = byId.get(newestHead.id)!.title;
      const mergeRow: RevisionRow = {
        id: mergeId,
        org_id: org,
        doc_kind: kind,
        doc_key: key,
        title,
        content: merged,
        parents: JSON.stringify(heads),
        actor: null,
        author: null,
        hlc: newestHead.hlc,
        derived: 1,
        resolves: 0,
      };
      await this.tx.query(
        `INSERT INTO doc_revision (id, org_id, doc_kind, doc_key, title, content, parents, actor, author, hlc, derived, resolves)
         VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, 1, 0)
         ON CONFLICT (id) DO UPDATE SET title = excluded.title, content = excluded.content, hlc = excluded.hlc`,
        [mergeId, org, kind, key, title, merged, mergeRow.parents, mergeRow.hlc],
      );
      return { heads, current: mergeRow, createdHlc, updatedHlc, conflictId: null };
    }

    const [existing] = await this.tx.query('SELECT status FROM conflict WHERE id = ?', [openId]);
    if (!existing) {
      await this.tx.query(
        `INSERT INTO conflict (id, org_id, doc_kind, doc_key, head_ids, status, opened_hlc, resolved_by)
         VALUES (?, ?, ?, ?, ?, 'open', ?, NULL)`,
        [openId, org, kind, key, JSON.stringify(heads), newestHead.hlc],
      );
    }
    // A conflict already resolved by an edit stays resolved; the heads then show the newest.
    const stillOpen = !existing || existing.status === 'open';
    return {
      heads,
      current: byId.get(newestHead.id)!,
      createdHlc,
      updatedHlc,
      conflictId: stillOpen ? openId : null,
    };
  }

  /** Folds the heads (sorted by id) into one text against their common ancestor, or null on overlapping edits. */
  private merge(heads: string[], base: RevisionNode | null, byId: Map<string, RevisionRow>): string | null {
    const baseText = base ? byId.get(base.id)!.content : '';
    let text = byId.get(heads[0])!.content;
    for (const head of heads.slice(1)) {
      const outcome = mergeText(baseText, text, byId.get(head)!.content);
      if (!outcome.clean) return null;
      text = outcome.text;
    }
    return text;
  }

  /**
   * State-hash rows of the revisions and conflicts of one kind of document in an organisation and
   * its departments. An op-backed revision's text is NULL here: its id hashes its op, text included.
   */
  static async stateRows(tx: EntityManager, kind: DocKind, rootOrg: string): Promise<unknown[]> {
    return [
      await tx.query(
        `SELECT id, doc_kind, doc_key, title, content, parents, actor, author, hlc, derived, resolves FROM doc_revision
         WHERE doc_kind = ? AND org_id IN (SELECT id FROM org WHERE root_id = ?) ORDER BY id`,
        [kind, rootOrg],
      ),
      await tx.query(
        `SELECT id, doc_kind, doc_key, head_ids, status, opened_hlc, resolved_by FROM conflict
         WHERE doc_kind = ? AND org_id IN (SELECT id FROM org WHERE root_id = ?) ORDER BY id`,
        [kind, rootOrg],
      ),
    ];
  }
}
