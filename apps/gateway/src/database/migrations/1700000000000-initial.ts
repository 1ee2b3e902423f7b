import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The op log, the local tables (sessions, tokens) and the projections of the
 * foundation domains: accounts, organisations, documents (wiki and blog),
 * conflicts and the full-text index.
 */
export class Initial1700000000000 implements MigrationInterface {
  name = 'Initial1700000000000';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      // The op log: the source of truth. body = canonical CBOR, id = sha256(body).
      `CREATE TABLE op (
        id TEXT PRIMARY KEY,
        org TEXT NOT NULL,
        author TEXT NOT NULL,
        seq INTEGER NOT NULL,
        hlc TEXT NOT NULL,
        kind TEXT NOT NULL,
        entity TEXT NOT NULL,
        body BLOB NOT NULL,
        sig BLOB NOT NULL,
        received_at INTEGER NOT NULL,
        UNIQUE (org, author, seq)
      )`,
      'CREATE INDEX op_org_order ON op (org, hlc, author, seq)',
      'CREATE INDEX op_org_entity ON op (org, kind, entity)',
      // Local to this gateway, never replicated.
      `CREATE TABLE gateway_setting (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
      `CREATE TABLE session (
        token_hash TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        csrf_token TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      )`,
      'CREATE INDEX session_account ON session (account_id)',
      `CREATE TABLE api_token (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        name TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER,
        revoked_at INTEGER
      )`,
      'CREATE INDEX api_token_account ON api_token (account_id)',
      // Projections of the op log.
      `CREATE TABLE account (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        display_name TEXT NOT NULL,
        verifier TEXT NOT NULL,
        stamp TEXT NOT NULL,
        created_at INTEGER NOT NULL
      )`,
      'CREATE INDEX account_name ON account (name)',
      `CREATE TABLE org (
        id TEXT PRIMARY KEY,
        root_id TEXT NOT NULL,
        parent_id TEXT,
        slug TEXT NOT NULL,
        name TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        created_by TEXT,
        created_hlc TEXT NOT NULL,
        stamp TEXT NOT NULL
      )`,
      'CREATE INDEX org_root ON org (root_id)',
      'CREATE INDEX org_slug ON org (slug)',
      `CREATE TABLE membership (
        org_id TEXT NOT NULL,
        account_id TEXT NOT NULL,
        role TEXT NOT NULL,
        stamp TEXT NOT NULL,
        PRIMARY KEY (org_id, account_id)
      )`,
      'CREATE INDEX membership_account ON membership (account_id)',
      `CREATE TABLE invite (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL,
        code_hash TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL,
        created_by TEXT,
        expires_at INTEGER NOT NULL,
        max_uses INTEGER NOT NULL,
        uses INTEGER NOT NULL DEFAULT 0,
        revoked INTEGER NOT NULL DEFAULT 0
      )`,
      `CREATE TABLE doc_revision (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL,
        doc_kind TEXT NOT NULL,
        doc_key TEXT NOT NULL,
        title TEXT NOT NULL,
        content TEXT NOT NULL,
        parents TEXT NOT NULL,
        actor TEXT,
        author TEXT,
        hlc TEXT NOT NULL,
        derived INTEGER NOT NULL DEFAULT 0,
        resolves INTEGER NOT NULL DEFAULT 0
      )`,
      'CREATE INDEX doc_revision_doc ON doc_revision (org_id, doc_kind, doc_key, hlc)',
      `CREATE TABLE wiki_page (
        org_id TEXT NOT NULL,
        path TEXT NOT NULL,
        title TEXT NOT NULL,
        content TEXT NOT NULL,
        html TEXT NOT NULL,
        head_ids TEXT NOT NULL,
        current_revision_id TEXT NOT NULL,
        conflict_id TEXT,
        created_hlc TEXT NOT NULL,
        updated_hlc TEXT NOT NULL,
        updated_by TEXT,
        PRIMARY KEY (org_id, path)
      )`,
      // Keyed by organisation too: ids come from other gateways, and one org must not be able to shadow another's.
      `CREATE TABLE blog_post (
        id TEXT NOT NULL,
        org_id TEXT NOT NULL,
        title TEXT NOT NULL,
        content TEXT NOT NULL,
        html TEXT NOT NULL,
        head_ids TEXT NOT NULL,
        current_revision_id TEXT NOT NULL,
        conflict_id TEXT,
        status TEXT NOT NULL,
        status_stamp TEXT NOT NULL,
        author_id TEXT,
        created_hlc TEXT NOT NULL,
        updated_hlc TEXT NOT NULL,
        published_hlc TEXT,
        PRIMARY KEY (org_id, id)
      )`,
      'CREATE INDEX blog_post_org ON blog_post (org_id, created_hlc)',
      `CREATE TABLE blog_comment (
        id TEXT NOT NULL,
        org_id TEXT NOT NULL,
        post_id TEXT NOT NULL,
        author_id TEXT,
        content TEXT NOT NULL,
        html TEXT NOT NULL,
        hlc TEXT NOT NULL,
        deleted INTEGER NOT NULL DEFAULT 0,
        deleted_stamp TEXT,
        PRIMARY KEY (org_id, id)
      )`,
      'CREATE INDEX blog_comment_post ON blog_comment (post_id, hlc)',
      `CREATE TABLE conflict (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL,
        doc_kind TEXT NOT NULL,
        doc_key TEXT NOT NULL,
        head_ids TEXT NOT NULL,
        status TEXT NOT NULL,
        opened_hlc TEXT NOT NULL,
        resolved_by TEXT
      )`,
      'CREATE INDEX conflict_org ON conflict (org_id, status)',
      `CREATE VIRTUAL TABLE search_index USING fts5(
        org_id UNINDEXED, kind UNINDEXED, ref UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 2'
      )`,
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'search_index',
      'conflict',
      'blog_comment',
      'blog_post',
      'wiki_page',
      'doc_revision',
      'invite',
      'membership',
      'org',
      'account',
      'api_token',
      'session',
      'gateway_setting',
      'op',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
