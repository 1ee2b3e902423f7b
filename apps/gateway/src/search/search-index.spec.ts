import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../database/data-source.js';
import { indexMarked, markForIndex } from './search-index.js';

describe('search marks and the indexer step', () => {
  let dir: string;
  let db: DataSource;
  const page = { orgId: 'org-1', kind: 'page' as const, ref: 'guides/pump' };

  const setPage = (content: string, ref = page.ref) =>
    db.query(
      `INSERT INTO wiki_page (org_id, path, title, content, head_ids, current_revision_id, conflict_id, created_hlc, updated_hlc, updated_by)
       VALUES (?, ?, 'Pump', ?, '[]', 'r', NULL, 'h', 'h', NULL)
       ON CONFLICT (org_id, path) DO UPDATE SET content = excluded.content`,
      [page.orgId, ref, content],
    );
  const found = async (word: string) =>
    (await db.query('SELECT ref FROM search_index WHERE search_index MATCH ?', [word])).map(
      (r: { ref: string }) => r.ref,
    );
  const stale = async () =>
    (await db.query('SELECT stale FROM search_doc WHERE ref = ?', [page.ref])).map(
      (r: { stale: number }) => r.stale,
    );

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-search-'));
    db = await openDatabase(dir);
  });
  afterAll(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('indexes a marked document from its row, and nothing before', async () => {
    await setPage('the borehole pump');
    await markForIndex(db.manager, [page]);
    expect(await found('borehole')).toEqual([]);
    expect(await stale()).toEqual([2]);
    expect(await indexMarked(db.manager, 10)).toBe(1);
    expect(await found('borehole')).toEqual([page.ref]);
    expect(await stale()).toEqual([0]);
    expect(await indexMarked(db.manager, 10)).toBe(0);
  });

  it('replaces the entry of a document whose text changed', async () => {
    await setPage('the solar pump');
    await markForIndex(db.manager, [page]);
    expect(await stale()).toEqual([1]);
    await indexMarked(db.manager, 10);
    expect(await found('borehole')).toEqual([]);
    expect(await found('solar')).toEqual([page.ref]);
  });

  it('drops the entry of a document whose row is gone', async () => {
    await db.query('DELETE FROM wiki_page WHERE path = ?', [page.ref]);
    await markForIndex(db.manager, [page]);
    await indexMarked(db.manager, 10);
    expect(await found('solar')).toEqual([]);
    expect(await stale()).toEqual([]);
  });

  it('takes at most `limit` documents a step', async () => {
    const docs = Array.from({ length: 7 }, (_, i) => ({ ...page, ref: `p${i}` }));
    for (const d of docs) await setPage(`page ${d.ref}`, d.ref);
    await markForIndex(db.manager, docs);
    expect(await indexMarked(db.manager, 5)).toBe(5);
    expect(await indexMarked(db.manager, 5)).toBe(2);
    expect(await indexMarked(db.manager, 5)).toBe(0);
  });
});
