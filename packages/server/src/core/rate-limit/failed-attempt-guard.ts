import { TooManyRequestsError } from '../errors';
import type { SlidingWindowLimiter } from './sliding-window-limiter';
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

/** Strikes per key per `strikeMemoryMs` can never come near this: a strike needs a block to lapse first. */
const STRIKE_CEILING = 10_000;

/**
 * Throttles failed sign-ins (SPEC §3: sign-in forms, the password grant, the app exchange): at most
 * `limit` failures per key in any sliding minute, with back-off; successes are never counted.
 *
 * Usage: `await guard.check(keys)` before verifying anything (it throws TooManyRequestsError, so a
 * blocked caller learns nothing about the password), `await guard.recordFailure(keys)` after a
 * failure, nothing after a success. Build the keys with `failedAttemptKeys()`: per (account, address)
 * and per address, never per account alone, so that nobody can lock an account out for others.
 *
 * Back-off: the failure that reaches the limit is a strike. The k-th strike within `strikeMemoryMs`
 * (1 h) blocks the key for `windowMs × 2^(k-1)` from that moment, at most `maxBlockMs`: 1, 2, 4, 8,
 * then 15 minutes. A key left alone for an hour starts again at one minute.
 *
 * `check` and `recordFailure` are separate steps, so attempts that are in flight together all pass
 * `check` before any of them fails; `recordFailure` still counts at most `limit` of them. The token
 * endpoint's own limit per address bounds such bursts on the password grant.
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

  /** Throws TooManyRequestsError when any key is blocked, with the longest wait of them. */
  async check(keys: readonly string[]): Promise<void> {
    const wait = await this.retryAfter(keys);
    if (wait > 0) throw new TooManyRequestsError(`Too many failed attempts; try again in ${wait} seconds.`, wait);
  }

  /** Seconds until every key accepts attempts again; 0 when none is blocked. */
  async retryAfter(keys: readonly string[]): Promise<number> {
    if (!this.enabled) return 0;
    const waits = await Promise.all(keys.map((key) => this.#wait(key)));
    return Math.max(0, ...waits);
  }

  async recordFailure(keys: readonly string[]): Promise<void> {
    if (!this.enabled) return;
    await Promise.all(
      keys.map(async (key) => {
        const failure = await this.store.hit(failuresKey(key), this.#limit, this.#windowMs);
        // Exactly one failure per full window sees count === limit, however many race.
        if (failure.allowed && failure.count === this.#limit) await this.store.hit(strikesKey(key), STRIKE_CEILING, this.#strikeMemoryMs);
      }),
    );
  }

  async #wait(key: string): Promise<number> {
    const [failures, strikes] = await Promise.all([
      this.store.recent(failuresKey(key), this.#windowMs),
      this.store.recent(strikesKey(key), this.#strikeMemoryMs),
    ]);
    const plain = windowDecision(failures.hits, failures.now, this.#limit, this.#windowMs).retryAfterSeconds;
    const k = strikes.hits.length;
    const newest = strikes.hits[k - 1];
    if (newest === undefined) return plain;
    const blockedUntil = newest + Math.min(this.#windowMs * 2 ** (k - 1), this.#maxBlockMs);
    return blockedUntil > strikes.now ? Math.max(plain, retryAfterSeconds(blockedUntil - strikes.now)) : plain;
  }
}

const failuresKey = (key: string) => `fail:${key}`;
const strikesKey = (key: string) => `strike:${key}`;
