import type { Clock } from '../../core/ports/clock';
import type { SlidingWindowDecision, SlidingWindowLimiter, UndoableHit, WindowHits } from '../../core/ports/sliding-window-limiter';
import { windowDecision } from '../../core/rate-limit/window-decision';

interface Entry {
  /** Counted hits, oldest first; never more than the limit they were counted against. */
  hits: number[];
  /** When the newest hit leaves the key's window; the entry is garbage from then on. */
  expiresAt: number;
}

export interface MemorySlidingWindowOptions {
  /** Keys kept at most; past it, expired keys are swept and then the least recently hit dropped. */
  readonly maxKeys?: number;
  /** How often (clock time) expired keys are swept even when the map is not full. */
  readonly sweepIntervalMs?: number;
}

/**
 * The sliding window in this process's memory: one instance's count only (use Redis to share it).
 * Memory is bounded: a key holds at most `limit` timestamps, expired keys are swept every
 * `sweepIntervalMs`, and past `maxKeys` the least recently hit key is forgotten (a forgotten key
 * starts again from zero: under a flood of distinct addresses the limit errs towards letting through).
 * Each method runs synchronously to completion, so concurrent callers cannot overshoot.
 */
export class MemorySlidingWindow implements SlidingWindowLimiter {
  readonly #entries = new Map<string, Entry>();
  readonly #maxKeys: number;
  readonly #sweepIntervalMs: number;
  #nextSweepAt: number;

  constructor(
    private readonly clock: Clock,
    options: MemorySlidingWindowOptions = {},
  ) {
    this.#maxKeys = options.maxKeys ?? 100_000;
    this.#sweepIntervalMs = options.sweepIntervalMs ?? 60_000;
    this.#nextSweepAt = clock.now() + this.#sweepIntervalMs;
  }

  async hit(key: string, limit: number, windowMs: number): Promise<SlidingWindowDecision> {
    if (limit <= 0) return { allowed: true, count: 0, retryAfterSeconds: 0 };
    const now = this.clock.now();
    this.#sweepIfDue(now);
    const entry = this.#entries.get(key);
    const hits = entry && entry.expiresAt > now ? entry.hits.filter((t) => t > now - windowMs) : [];
    const decision = windowDecision(hits, now, limit, windowMs);
    if (!decision.allowed) {
      if (entry) entry.hits = hits;
      return decision;
    }
    insertSorted(hits, now);
    // Delete first so that Map order stays "least recently hit first" for eviction.
    this.#entries.delete(key);
    this.#entries.set(key, { hits, expiresAt: (hits[hits.length - 1] as number) + windowMs });
    if (this.#entries.size > this.#maxKeys) this.#shrink(now);
    return { allowed: true, count: hits.length, retryAfterSeconds: 0 };
  }

  async hitUndoable(key: string, limit: number, windowMs: number): Promise<UndoableHit> {
    const at = this.clock.now();
    const decision = await this.hit(key, limit, windowMs);
    if (!decision.allowed || limit <= 0) return { decision, undo: async () => {} };
    return {
      decision,
      // Hits at the same instant are interchangeable: removing any one of them is removing this one.
      undo: async () => {
        const entry = this.#entries.get(key);
        const index = entry?.hits.lastIndexOf(at) ?? -1;
        if (entry && index !== -1) entry.hits.splice(index, 1);
      },
    };
  }

  async recent(key: string, windowMs: number): Promise<WindowHits> {
    const now = this.clock.now();
    const entry = this.#entries.get(key);
    const hits = entry && entry.expiresAt > now ? entry.hits.filter((t) => t > now - windowMs) : [];
    return { now, hits };
  }

  /** Keys held now (for tests of the memory bound). */
  get size(): number {
    return this.#entries.size;
  }

  #sweepIfDue(now: number): void {
    if (now < this.#nextSweepAt) return;
    this.#nextSweepAt = now + this.#sweepIntervalMs;
    this.#sweepExpired(now);
  }

  #sweepExpired(now: number): void {
    for (const [key, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(key);
  }

  #shrink(now: number): void {
    this.#sweepExpired(now);
    for (const key of this.#entries.keys()) {
      if (this.#entries.size <= this.#maxKeys) break;
      this.#entries.delete(key);
    }
  }
}

/** Keeps `hits` ascending even if the clock stepped back (a test clock, an NTP correction). */
function insertSorted(hits: number[], time: number): void {
  let i = hits.length;
  while (i > 0 && (hits[i - 1] as number) > time) i--;
  hits.splice(i, 0, time);
}
