/**
 * The SQLite database: one file in the data dir, WAL with synchronous=FULL
 * (power cuts are the common fault on these boxes), foreign keys on.
 * Tables are created by migrations only.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { GatewayDataSource } from './gateway-data-source.js';
import { Initial1700000000000 } from './migrations/1700000000000-initial.js';
import { WorkflowsDecisionsProjects1700000000100 } from './migrations/1700000000100-workflows-decisions-projects.js';
import { Mesh1700000000200 } from './migrations/1700000000200-mesh.js';
import { SearchDoc1700000000300 } from './migrations/1700000000300-search-doc.js';
import { OpSigVerified1700000000400 } from './migrations/1700000000400-op-sig-verified.js';
import { WorkflowInbox1700000000500 } from './migrations/1700000000500-workflow-inbox.js';
import { OpVoid1700000000600 } from './migrations/1700000000600-op-void.js';
import { ForkEvidence1700000000700 } from './migrations/1700000000700-fork-evidence.js';
import { OpEntityOrder1700000000800 } from './migrations/1700000000800-op-entity-order.js';
import { SearchStale1700000000900 } from './migrations/1700000000900-search-stale.js';
import { WikiHtmlOnRead1700000001000 } from './migrations/1700000001000-wiki-html-on-read.js';
import { RevisionTextInOp1700000001100 } from './migrations/1700000001100-revision-text-in-op.js';
import { OrgAnchor1700000001200 } from './migrations/1700000001200-org-anchor.js';
import { GatewayInviteCancel1700000001300 } from './migrations/1700000001300-gateway-invite-cancel.js';

export const MIGRATIONS = [
  Initial1700000000000,
  WorkflowsDecisionsProjects1700000000100,
  Mesh1700000000200,
  SearchDoc1700000000300,
  OpSigVerified1700000000400,
  WorkflowInbox1700000000500,
  OpVoid1700000000600,
  ForkEvidence1700000000700,
  OpEntityOrder1700000000800,
  SearchStale1700000000900,
  WikiHtmlOnRead1700000001000,
  RevisionTextInOp1700000001100,
  OrgAnchor1700000001200,
  GatewayInviteCancel1700000001300,
];

/**
 * Pages of 8 KiB rather than SQLite's 4 KiB: an op row with its body is
 * about 1.7 KB, and a received batch inserts thousands of them and their
 * index entries; with bigger pages a catch-up splits and writes fewer pages
 * (about 12% more received ops per second measured in bench/, with 16 KiB
 * no better).
 */
const PAGE_SIZE = 8192;

export function databasePath(dataDir: string): string {
  return join(dataDir, 'gatehouse.sqlite');
}

export async function openDatabase(dataDir: string): Promise<GatewayDataSource> {
  mkdirSync(dataDir, { recursive: true });
  const ds = new GatewayDataSource({
    type: 'sqlite',
    // TypeORM calls sqlite3.verbose(), which wraps every statement to capture a stack
    // trace: a third of the time of a simple read. Hand it the module without that.
    driver: { ...sqlite3, verbose: () => sqlite3 },
    database: databasePath(dataDir),
    migrations: MIGRATIONS,
    migrationsRun: false,
    synchronize: false,
    logging: false,
    // WAL is switched on below, once the page size of a new file is set (see PAGE_SIZE).
    enableWAL: false,
    busyErrorRetry: 50,
  });
  await ds.initialize();
  // Takes effect only while the file is still empty; an existing database keeps its page size.
  await ds.query(`PRAGMA page_size = ${PAGE_SIZE}`);
  await ds.query('PRAGMA journal_mode = WAL');
  await ds.query('PRAGMA synchronous = FULL');
  await ds.query('PRAGMA foreign_keys = ON');
  await ds.query('PRAGMA busy_timeout = 5000');
  // Checkpoints run beside the writers (WalCheckpointer); this one is the backstop (128 MB of log).
  const [{ page_size: pageSize }] = await ds.query('PRAGMA page_size');
  await ds.query(`PRAGMA wal_autocheckpoint = ${Math.round((128 * 1024 * 1024) / pageSize)}`);
  // The WAL file keeps the size of the largest transaction (a judged rebuild of 100,000 ops: about
  // 450 MB) unless cut back once checkpointed: to 64 MB, as much as a second of catch-up writes.
  await ds.query(`PRAGMA journal_size_limit = ${64 * 1024 * 1024}`);
  // 64 MB of page cache (SQLite's default is 2 MB): the log's and revisions' indexes are keyed by
  // random ids and entities, so a received batch touches pages all over them; with them cached,
  // a catch-up of 100,000 ops reads a third less.
  await ds.query('PRAGMA cache_size = -64000');
  await ds.runMigrations({ transaction: 'each' });
  // Reads outside transactions: 16 MB of cache of its own.
  await ds.openReader(databasePath(dataDir), ['PRAGMA busy_timeout = 5000', 'PRAGMA cache_size = -16000']);
  return ds;
}
