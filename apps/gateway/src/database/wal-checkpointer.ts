import sqlite3 from 'sqlite3';

/**
 * Copies the write-ahead log into the database file from a connection of
 * its own, once a second. Left to SQLite, the checkpoint runs inside the
 * commit that crosses the WAL threshold, and a writer pays for copying the
 * whole log (hundreds of milliseconds for 32 MB, every few sync batches).
 * Here it runs on another thread while writers go on: PASSIVE never waits
 * for a lock, and a checkpoint that could not finish is retried on the next
 * tick. The writers' own automatic checkpoint stays, at a higher threshold,
 * as a backstop (see openDatabase).
 */
export class WalCheckpointer {
  private readonly timer: NodeJS.Timeout;
  private running: Promise<void> | null = null;
  private closed = false;

  private constructor(
    private readonly db: sqlite3.Database,
    everyMs: number,
  ) {
    this.timer = setInterval(() => {
      if (!this.running)
        this.running = this.checkpoint().then(() => {
          this.running = null;
        });
    }, everyMs);
    this.timer.unref();
  }

  static async open(path: string, everyMs = 1_000): Promise<WalCheckpointer> {
    const db = await new Promise<sqlite3.Database>((resolve, reject) => {
      const opened: sqlite3.Database = new sqlite3.Database(path, sqlite3.OPEN_READWRITE, (err) =>
        err ? reject(err) : resolve(opened),
      );
    });
    return new WalCheckpointer(db, everyMs);
  }

  /**
   * Copies what the log holds now, and says how far it got (frames in the
   * log, frames copied): null once closed or on an error, left for the next
   * tick.
   */
  checkpoint(): Promise<{ log: number; checkpointed: number } | null> {
    return new Promise((resolve) => {
      if (this.closed) return resolve(null);
      this.db.get<{ log: number; checkpointed: number }>('PRAGMA wal_checkpoint(PASSIVE)', (err, row) =>
        resolve(err ? null : row),
      );
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.running;
    await new Promise<void>((resolve) => this.db.close(() => resolve()));
  }
}
