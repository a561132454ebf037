/**
 * A sliding-window counter (SPEC §3 "at most N requests in any sliding 60 s"): a key holds the
 * times of its counted hits; a hit is allowed while fewer than `limit` of them lie in the last
 * `windowMs`. Implemented in memory (adapters/memory/memory-sliding-window.ts, one instance) and on
 * Redis (adapters/redis/redis-sliding-window.ts, shared across instances); test/rate-limit-contract.ts
 * holds both to the same behaviour.
 *
 * Only allowed hits are counted. A client that keeps hammering while refused is refused until its
 * oldest counted hit leaves the window, never longer: refusals do not push the block forward, and
 * at most `limit` requests get through in any span of `windowMs`.
 */
export interface SlidingWindowDecision {
  readonly allowed: boolean;
  /** Counted hits in the window after this call (a refused hit is not among them). */
  readonly count: number;
  /**
   * When refused: seconds until a hit would be allowed again, rounded up and at least 1 (the time
   * until enough counted hits have left the window). 0 when allowed.
   */
  readonly retryAfterSeconds: number;
}

export interface UndoableHit {
  readonly decision: SlidingWindowDecision;
  /** Removes this one hit (and no other) from the window. */
  undo(): Promise<void>;
}

/** The counted hits of one key still inside a window, as seen at `now` (the limiter's clock). */
export interface WindowHits {
  readonly now: number;
  /** Epoch milliseconds, oldest first. */
  readonly hits: readonly number[];
}

export interface SlidingWindowLimiter {
  /**
   * Counts one hit under `key` if fewer than `limit` hits lie in the last `windowMs`, atomically
   * (concurrent callers, other instances included, can never overshoot the limit). `limit <= 0`
   * turns the limit off: always allowed, nothing stored. Use one `windowMs` per key: it also decides
   * how long the key is kept.
   */
  hit(key: string, limit: number, windowMs: number): Promise<SlidingWindowDecision>;

  /**
   * `hit`, and a way to take the hit back (`undo`, a no-op when it was refused): an attempt is counted
   * before it is judged, so that concurrent attempts cannot overshoot, and refunded when it turns out
   * not to count (a successful sign-in, SPEC §3).
   */
  hitUndoable(key: string, limit: number, windowMs: number): Promise<UndoableHit>;

  /** The hits of `key` within the last `windowMs` (which may be shorter than the key's own), counting nothing. */
  recent(key: string, windowMs: number): Promise<WindowHits>;
}
