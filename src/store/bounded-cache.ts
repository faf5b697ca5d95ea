/**
 * A map with a least-recently-used bound on both its entry count and the summed weight of its
 * values (so a few huge values cannot hold the memory a bound on count alone would allow).
 * Each value is stored with a validity key; get() returns it only under the same key.
 */
export class BoundedCache<V> {
  /** Map iteration order is insertion order: the first entry is the least recently used. */
  private readonly entries = new Map<string, { key: string; value: V; weight: number }>();
  private weight = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxWeight: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The value stored for `name` under `key`; a value stored under another key is dropped. */
  get(name: string, key: string): V | undefined {
    const e = this.entries.get(name);
    if (e === undefined) return undefined;
    this.entries.delete(name);
    if (e.key !== key) {
      this.weight -= e.weight;
      return undefined;
    }
    this.entries.set(name, e); // now the most recently used
    return e.value;
  }

  set(name: string, key: string, value: V, weight: number): void {
    this.delete(name);
    if (weight > this.maxWeight) return; // would evict everything else and still not fit
    this.entries.set(name, { key, value, weight });
    this.weight += weight;
    for (const [oldest, e] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.weight <= this.maxWeight) break;
      this.entries.delete(oldest);
      this.weight -= e.weight;
    }
  }

  delete(name: string): void {
    const e = this.entries.get(name);
    if (e === undefined) return;
    this.entries.delete(name);
    this.weight -= e.weight;
  }
}
