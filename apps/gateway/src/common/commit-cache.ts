/**
 * A bounded, least-recently-used cache for rows that committed ops change.
 * Invalidation bumps a generation: a load that started before it never
 * stores what it read, so a read racing a commit cannot pin a stale row.
 */
export class CommitCache<V> {
  private readonly entries = new Map<string, { value: V; weight: number }>();
  private generation = 0;
  private weight = 0;

  constructor(
    private readonly maxWeight: number,
    private readonly weigh: (value: V) => number = () => 1,
  ) {}

  async get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit) {
      // Re-insert: Map keeps insertion order, so the first key is the least recently used.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.value;
    }
    const generation = this.generation;
    const value = await load();
    if (generation === this.generation) this.store(key, value);
    return value;
  }

  invalidate(key: string): void {
    this.generation += 1;
    this.drop(key);
  }

  clear(): void {
    this.generation += 1;
    this.entries.clear();
    this.weight = 0;
  }

  get size(): number {
    return this.entries.size;
  }

  private store(key: string, value: V): void {
    const weight = this.weigh(value);
    if (weight > this.maxWeight) return;
    this.drop(key);
    this.entries.set(key, { value, weight });
    this.weight += weight;
    for (const oldest of this.entries.keys()) {
      if (this.weight <= this.maxWeight) break;
      this.drop(oldest);
    }
  }

  private drop(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.weight -= entry.weight;
    this.entries.delete(key);
  }
}
