import type { Clock } from '../../core/ports/clock';

interface Entry<V> {
  readonly value: Promise<V>;
  readonly expiresAt: number;
}

/**
 * A small read-through cache for the token path: the first caller loads, concurrent callers share
 * that load, and entries live `ttlMs` (0 disables caching). Bounded: past `maxEntries` the oldest
 * entry goes (Map keeps insertion order). A failed load is not cached.
 */
export class TtlCache<V> {
  readonly #entries = new Map<string, Entry<V>>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    /** Told of every lookup, whether memory answered it (the metrics' hit ratio). */
    private readonly onLookup: (hit: boolean) => void = () => {},
  ) {}

  getOrLoad(key: string, load: () => Promise<V>): Promise<V> {
    if (this.ttlMs <= 0) return load();
    const now = this.clock.now();
    const hit = this.#entries.get(key);
    if (hit && hit.expiresAt > now) {
      this.onLookup(true);
      return hit.value;
    }
    this.onLookup(false);
    if (hit) this.#entries.delete(key);
    const value = load();
    this.#entries.set(key, { value, expiresAt: now + this.ttlMs });
    value.catch(() => this.#entries.delete(key));
    if (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    return value;
  }

  clear(): void {
    this.#entries.clear();
  }
}
