/**
 * Runs async tasks one at a time, in call order. SQLite has one writer and
 * TypeORM's sqlite driver shares a single connection, so every write
 * transaction goes through one of these.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
