import type { SlidingWindowDecision, SlidingWindowLimiter, UndoableHit, WindowHits } from '../../core/ports/sliding-window-limiter';

/** Told when the limits stop or start being shared: once per change, never per request. */
export type LimiterNotice = (level: 'warn' | 'info', message: string) => void;

/**
 * The shared (Redis) sliding window, with this instance's own window standing in while Redis is
 * unreachable: a rate limit that errs towards per-instance counting keeps working, and a token request
 * never fails because Redis did (SPEC §3's limits stay in force, each instance enforcing them alone).
 * While the connection is known down (`isUp` false) Redis is not even tried, so requests do not wait for
 * its retries. The switch is reported once each way; an undo goes to the window that counted the hit.
 */
export class FallbackSlidingWindow implements SlidingWindowLimiter {
  #local = false;

  constructor(
    private readonly shared: SlidingWindowLimiter,
    private readonly local: SlidingWindowLimiter,
    private readonly isUp: () => boolean,
    private readonly notice: () => LimiterNotice,
  ) {}

  hit(key: string, limit: number, windowMs: number): Promise<SlidingWindowDecision> {
    return this.#either((w) => w.hit(key, limit, windowMs));
  }

  hitUndoable(key: string, limit: number, windowMs: number): Promise<UndoableHit> {
    return this.#either((w) => w.hitUndoable(key, limit, windowMs));
  }

  recent(key: string, windowMs: number): Promise<WindowHits> {
    return this.#either((w) => w.recent(key, windowMs));
  }

  async #either<T>(call: (window: SlidingWindowLimiter) => Promise<T>): Promise<T> {
    if (!this.isUp()) {
      this.#switch(true);
      return call(this.local);
    }
    try {
      const result = await call(this.shared);
      this.#switch(false);
      return result;
    } catch {
      this.#switch(true);
      return call(this.local);
    }
  }

  #switch(local: boolean): void {
    if (local === this.#local) return;
    this.#local = local;
    if (local) this.notice()('warn', 'Redis is unreachable: rate limits are counted per instance until it answers again');
    else this.notice()('info', 'Redis answers again: rate limits are shared between instances again');
  }
}
