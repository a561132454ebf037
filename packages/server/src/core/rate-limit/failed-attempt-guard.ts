import { TooManyRequestsError } from '../errors/oauth-errors';
import type { SlidingWindowLimiter, UndoableHit } from '../ports/sliding-window-limiter';
import { retryAfterSeconds, windowDecision } from './window-decision';

export interface FailedAttemptGuardOptions {
  /** Failures allowed per key in any sliding `windowMs` (`COUNTERSIGN_FAILED_ATTEMPT_LIMIT`); 0 turns the guard off. */
  readonly limit: number;
  readonly windowMs?: number;
  /** The longest block the back-off reaches. */
  readonly maxBlockMs?: number;
  /** How long a reached limit (a strike) counts towards the back-off. */
  readonly strikeMemoryMs?: number;
}

/** One attempt, counted before it was judged: tell the guard how it ended. */
export interface FailedAttempt {
  /** The attempt succeeded: it is taken back, so successes are never limited. */
  succeeded(): Promise<void>;
  /** The attempt failed: it stays counted, and if it reached the limit it is a strike (back-off). */
  failed(): Promise<void>;
}

/** Strikes per key per `strikeMemoryMs` can never come near this: a strike needs a block to lapse first. */
const STRIKE_CEILING = 10_000;

/**
 * Throttles failed sign-ins (SPEC §3: sign-in forms, the password grant, the app exchange): at most
 * `limit` failures per key in any sliding minute, with back-off; successes are never counted.
 *
 * Usage: `const attempt = await guard.begin(keys)` before verifying anything (it throws
 * TooManyRequestsError, so a blocked caller learns nothing about the password), then
 * `attempt.failed()` or `attempt.succeeded()`. Build the keys with `failedAttemptKeys()`.
 *
 * SPEC §3: "an attempt is counted before its password is checked, so concurrent guesses cannot
 * overshoot". `begin` counts the attempt as a failure at once, atomically per key (in memory and on
 * Redis alike), and refuses it when that would pass the limit; `succeeded` takes it back. Thirty
 * guesses sent at once against a limit of ten: ten are checked, twenty refused before any hashing.
 *
 * Back-off: the failure that reaches the limit is a strike. The k-th strike within `strikeMemoryMs`
 * (1 h) blocks the key for `windowMs × 2^(k-1)` from that moment, at most `maxBlockMs`: 1, 2, 4, 8,
 * then 15 minutes. A key left alone for an hour starts again at one minute. Every block ends by
 * itself: nothing here locks an account.
 */
export class FailedAttemptGuard {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #maxBlockMs: number;
  readonly #strikeMemoryMs: number;

  constructor(
    private readonly store: SlidingWindowLimiter,
    options: FailedAttemptGuardOptions,
  ) {
    this.#limit = options.limit;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#maxBlockMs = options.maxBlockMs ?? 15 * 60_000;
    this.#strikeMemoryMs = options.strikeMemoryMs ?? 60 * 60_000;
  }

  get enabled(): boolean {
    return this.#limit > 0;
  }

  /**
   * Counts one attempt under every key, or throws TooManyRequestsError (with the longest wait) when
   * any key is blocked by back-off or already holds `limit` failures; nothing stays counted then.
   */
  async begin(keys: readonly string[]): Promise<FailedAttempt> {
    if (!this.enabled) return { succeeded: async () => {}, failed: async () => {} };
    const blocked = Math.max(0, ...(await Promise.all(keys.map((key) => this.#backOff(key)))));
    if (blocked > 0) throw this.#tooMany(blocked);
    const hits = await Promise.all(keys.map((key) => this.store.hitUndoable(failuresKey(key), this.#limit, this.#windowMs)));
    const refused = hits.filter((h) => !h.decision.allowed);
    if (refused.length > 0) {
      await Promise.all(hits.map((h) => h.undo()));
      throw this.#tooMany(Math.max(...refused.map((h) => h.decision.retryAfterSeconds)));
    }
    return {
      succeeded: async () => {
        await Promise.all(hits.map((h) => h.undo()));
      },
      failed: async () => {
        await Promise.all(keys.map((key, i) => this.#strikeIfLimitReached(key, hits[i] as UndoableHit)));
      },
    };
  }

  /** Seconds until every key accepts attempts again; 0 when none is blocked. */
  async retryAfter(keys: readonly string[]): Promise<number> {
    if (!this.enabled) return 0;
    const waits = await Promise.all(keys.map(async (key) => Math.max(await this.#backOff(key), await this.#full(key))));
    return Math.max(0, ...waits);
  }

  /** Exactly one failure per full window sees count === limit, however many race. */
  async #strikeIfLimitReached(key: string, hit: UndoableHit): Promise<void> {
    if (hit.decision.count === this.#limit) await this.store.hit(strikesKey(key), STRIKE_CEILING, this.#strikeMemoryMs);
  }

  /** Seconds the key is blocked by the failures in its window. */
  async #full(key: string): Promise<number> {
    const failures = await this.store.recent(failuresKey(key), this.#windowMs);
    return windowDecision(failures.hits, failures.now, this.#limit, this.#windowMs).retryAfterSeconds;
  }

  /** Seconds the key is blocked by back-off after its latest strike. */
  async #backOff(key: string): Promise<number> {
    const strikes = await this.store.recent(strikesKey(key), this.#strikeMemoryMs);
    const k = strikes.hits.length;
    const newest = strikes.hits[k - 1];
    if (newest === undefined) return 0;
    const blockedUntil = newest + Math.min(this.#windowMs * 2 ** (k - 1), this.#maxBlockMs);
    return blockedUntil > strikes.now ? retryAfterSeconds(blockedUntil - strikes.now) : 0;
  }

  #tooMany(wait: number): TooManyRequestsError {
    return new TooManyRequestsError(`Too many failed attempts; try again in ${wait} seconds.`, wait);
  }
}

const failuresKey = (key: string) => `fail:${key}`;
const strikesKey = (key: string) => `strike:${key}`;
