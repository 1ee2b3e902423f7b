import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { merge, type Subscription } from 'rxjs';
import type { DataSource } from 'typeorm';
import { OpLogService } from '../oplog/oplog.service.js';
import { DATA_SOURCE, LOGGER } from '../oplog/tokens.js';
import { anyMarked, indexMarked } from './search-index.js';

/**
 * Quiet time after a commit before indexing starts. A sync pulling batches
 * commits several times a second: indexing between its batches would slow it
 * and index pages it is about to change again.
 */
const QUIET_MS = 2_000;
/** ...but marked documents wait no longer than this (indexing pages a long sync still changes is wasted). */
const MAX_WAIT_MS = 30_000;
/** Documents indexed per transaction, so writes are not held up for long. */
const CHUNK = 500;

/**
 * Writes the FTS5 entries of documents the projections marked (see
 * markForIndex): in the background once commits pause, and at the latest
 * before a search, which therefore always sees every committed change.
 * Indexing a 1 KB text costs more than projecting it; out of the sync
 * transaction it no longer sets the pace of replication.
 */
@Injectable()
export class SearchIndexer implements OnModuleInit, OnModuleDestroy {
  private subscription: Subscription | null = null;
  private timer: NodeJS.Timeout | null = null;
  private waitingSince = 0;
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    private readonly oplog: OpLogService,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onModuleInit(): void {
    this.subscription = merge(this.oplog.committed, this.oplog.rebuilt).subscribe(() => this.schedule());
    // Marks left by a stop before indexing ran.
    this.schedule();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.subscription?.unsubscribe();
    if (this.timer) clearTimeout(this.timer);
    await this.queue;
  }

  /** Resolves once every document marked before the call has its entry. */
  refresh(): Promise<void> {
    const run = this.queue.then(() => this.drain());
    this.queue = run.catch(() => {});
    return run;
  }

  private schedule(): void {
    if (this.stopped) return;
    const now = Date.now();
    if (!this.timer) this.waitingSince = now;
    else if (now - this.waitingSince < MAX_WAIT_MS) clearTimeout(this.timer);
    else return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.refresh().catch((err) => this.log.warn({ err }, 'search index not updated'));
    }, QUIET_MS);
    this.timer.unref();
  }

  private async drain(): Promise<void> {
    if (this.stopped || !(await anyMarked(this.db))) return;
    while (!this.stopped && (await this.oplog.exclusive((tx) => indexMarked(tx, CHUNK))) === CHUNK) {}
  }
}
