import type { Clock } from '../../core/ports/clock';
import type { SlidingWindowDecision, SlidingWindowLimiter, UndoableHit, WindowHits } from '../../core/ports/sliding-window-limiter';
import { retryAfterSeconds } from '../../core/rate-limit/window-decision';

/**
 * The counted hits of one key, oldest first, as a queue: `times[head]` is the oldest hit still held,
 * `times[times.length - 1]` the newest. Hits leave from the front as they leave the window (head moves
 * on; the array is compacted once the dead front outgrows the live part, so each hit is copied at
 * most a constant number of times on average) and are added at the back. Every hit thus costs
 * amortised O(1) whatever the limit, where a filter-and-copy of the whole window cost O(limit).
 */
class HitQueue {
  times: number[] = [];
  head = 0;

  get count(): number {
    return this.times.length - this.head;
  }

  /** The i-th oldest hit held (0 = oldest). */
  at(i: number): number {
    return this.times[this.head + i] as number;
  }

  newest(): number | undefined {
    return this.count > 0 ? this.times[this.times.length - 1] : undefined;
  }

  /** Drops every hit at or before `edge` (they left the window). */
  dropUntil(edge: number): void {
    const times = this.times;
    let head = this.head;
    while (head < times.length && (times[head] as number) <= edge) head++;
    this.head = head;
    if (head === times.length) {
      this.times = [];
      this.head = 0;
    } else if (head > 1024 && head * 2 > times.length) {
      this.times = times.slice(head);
      this.head = 0;
    }
  }

  /** Adds a hit, keeping the order even if the clock stepped back (a test clock, an NTP correction: rare, then O(n)). */
  add(time: number): void {
    const times = this.times;
    if (times.length === this.head || (times[times.length - 1] as number) <= time) {
      times.push(time);
      return;
    }
    times.splice(this.#firstAfter(time), 0, time);
  }

  /** Removes one hit at `time` if held (the newest of equal ones: they are interchangeable). */
  remove(time: number): void {
    const index = this.#firstAfter(time) - 1;
    if (index >= this.head && this.times[index] === time) this.times.splice(index, 1);
  }

  /** The hits newer than `edge`, oldest first (a copy). */
  after(edge: number): number[] {
    return this.times.slice(Math.max(this.head, this.#firstAfter(edge)));
  }

  /** Index in `times` of the first hit later than `time` (binary search over the live part). */
  #firstAfter(time: number): number {
    let low = this.head;
    let high = this.times.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.times[mid] as number) <= time) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

interface Entry {
  readonly hits: HitQueue;
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
 * Exact (every counted hit's time is kept, as SPEC §3's "any sliding 60 s" requires) and amortised
 * O(1) per hit whatever the limit (see HitQueue); `undo` and a clock that steps back cost a binary
 * search and a splice. Memory is bounded: a key holds at most `limit` timestamps, expired keys are
 * swept every `sweepIntervalMs`, and past `maxKeys` the least recently hit key is forgotten (a
 * forgotten key starts again from zero: under a flood of distinct addresses the limit errs towards
 * letting through). Each method runs synchronously to completion, so concurrent callers cannot
 * overshoot.
 */
export class MemorySlidingWindow implements SlidingWindowLimiter {
  readonly #entries = new Map<string, Entry>();
  readonly #maxKeys: number;
  readonly #sweepIntervalMs: number;
  #nextSweepAt: number;
  /** The key last moved to the end of the map (the most recently hit), if still there. */
  #newestKey: string | undefined;

  constructor(
    private readonly clock: Clock,
    options: MemorySlidingWindowOptions = {},
  ) {
    this.#maxKeys = options.maxKeys ?? 100_000;
    this.#sweepIntervalMs = options.sweepIntervalMs ?? 60_000;
    this.#nextSweepAt = clock.now() + this.#sweepIntervalMs;
  }

  async hit(key: string, limit: number, windowMs: number): Promise<SlidingWindowDecision> {
    return this.#hit(key, limit, windowMs, this.clock.now());
  }

  async hitUndoable(key: string, limit: number, windowMs: number): Promise<UndoableHit> {
    const at = this.clock.now();
    const decision = this.#hit(key, limit, windowMs, at);
    if (!decision.allowed || limit <= 0) return { decision, undo: async () => {} };
    return {
      decision,
      // Hits at the same instant are interchangeable: removing any one of them is removing this one.
      undo: async () => {
        this.#entries.get(key)?.hits.remove(at);
      },
    };
  }

  async recent(key: string, windowMs: number): Promise<WindowHits> {
    const now = this.clock.now();
    const entry = this.#entries.get(key);
    const hits = entry && entry.expiresAt > now ? entry.hits.after(now - windowMs) : [];
    return { now, hits };
  }

  /** Keys held now (for tests of the memory bound). */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The rule of core/rate-limit/window-decision.ts on the queue, without copying it: refused while
   * `limit` or more hits are held; the wait lasts until the hit at index `count - limit` has left.
   */
  #hit(key: string, limit: number, windowMs: number, now: number): SlidingWindowDecision {
    if (limit <= 0) return { allowed: true, count: 0, retryAfterSeconds: 0 };
    this.#sweepIfDue(now);
    const held = this.#entries.get(key);
    const entry = held === undefined || held.expiresAt <= now ? { hits: new HitQueue(), expiresAt: 0 } : held;
    const hits = entry.hits;
    hits.dropUntil(now - windowMs);
    const count = hits.count;
    if (count >= limit) {
      return { allowed: false, count, retryAfterSeconds: retryAfterSeconds(hits.at(count - limit) + windowMs - now) };
    }
    hits.add(now);
    entry.expiresAt = (hits.newest() as number) + windowMs;
    // Delete first so that Map order stays "least recently hit first" for eviction; a key hit again
    // right after itself (one busy address) is already last.
    if (this.#newestKey !== key || held !== entry) {
      this.#entries.delete(key);
      this.#entries.set(key, entry);
      this.#newestKey = key;
      if (this.#entries.size > this.#maxKeys) this.#shrink(now);
    }
    return { allowed: true, count: count + 1, retryAfterSeconds: 0 };
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
