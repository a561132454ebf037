import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Clock } from '../../core/ports/clock';
import type { SlidingWindowDecision, SlidingWindowLimiter, UndoableHit, WindowHits } from '../../core/ports/sliding-window-limiter';
import { retryAfterSeconds } from '../../core/rate-limit/window-decision';

/**
 * One hit, atomically (a Lua script runs alone on the server, so neither concurrent callers nor
 * other instances can slip between the count and the add). A sorted set per key, scored by time:
 * drop what left the window, count, add if below the limit, keep the key as long as the window.
 * A refused hit adds nothing. Time comes from the caller's clock (ARGV[1]), not Redis's TIME, so
 * tests can drive it; instances should keep their clocks in sync (NTP) as they do for token expiry.
 *
 * Cost per hit O(log n) for a key holding n hits, whatever the limit: sorted-set inserts, index reads
 * and range removals are logarithmic, and each hit is removed once (amortised over the hits).
 *
 * Returns {allowed (1/0), count, wait ms}: when refused, the wait lasts until the hit at index
 * count - limit has left the window (same rule as core/rate-limit/window-decision.ts).
 */
const HIT_SCRIPT = `
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
if count < limit then
  redis.call('ZADD', key, now, ARGV[4])
  redis.call('PEXPIRE', key, window)
  return {1, count + 1, 0}
end
local edge = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
return {0, count, tonumber(edge[2]) + window - now}
`;

type HitReply = [allowed: number, count: number, waitMs: number];

interface WithHitCommand {
  countersignSlidingWindowHit(key: string, now: number, windowMs: number, limit: number, member: string): Promise<HitReply>;
}

export interface RedisSlidingWindowOptions {
  /** Prepended to every key (default `countersign:rate:`); tests use one of their own. */
  readonly keyPrefix?: string;
}

/** The sliding window on Redis, shared by every instance that uses the same Redis and prefix (SPEC §3). */
export class RedisSlidingWindow implements SlidingWindowLimiter {
  readonly #redis: Redis & WithHitCommand;
  readonly #prefix: string;
  /** Members must be unique per hit, or two hits in the same millisecond would count once. */
  readonly #instance = randomBytes(6).toString('base64url');
  #sequence = 0;

  constructor(
    redis: Redis,
    private readonly clock: Clock,
    options: RedisSlidingWindowOptions = {},
  ) {
    // defineCommand sends EVALSHA and falls back to EVAL once when the script cache lacks it.
    redis.defineCommand('countersignSlidingWindowHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    this.#redis = redis as Redis & WithHitCommand;
    this.#prefix = options.keyPrefix ?? 'countersign:rate:';
  }

  async hit(key: string, limit: number, windowMs: number): Promise<SlidingWindowDecision> {
    return (await this.#hit(key, limit, windowMs)).decision;
  }

  async hitUndoable(key: string, limit: number, windowMs: number): Promise<UndoableHit> {
    const { decision, member } = await this.#hit(key, limit, windowMs);
    if (!decision.allowed || member === undefined) return { decision, undo: async () => {} };
    return {
      decision,
      undo: async () => {
        await this.#redis.zrem(this.#prefix + key, member);
      },
    };
  }

  async #hit(key: string, limit: number, windowMs: number): Promise<{ decision: SlidingWindowDecision; member?: string }> {
    if (limit <= 0) return { decision: { allowed: true, count: 0, retryAfterSeconds: 0 } };
    const now = Math.floor(this.clock.now());
    this.#sequence = (this.#sequence + 1) % Number.MAX_SAFE_INTEGER;
    const member = `${now}:${this.#instance}:${this.#sequence}`;
    const [allowed, count, waitMs] = await this.#redis.countersignSlidingWindowHit(this.#prefix + key, now, windowMs, limit, member);
    return allowed === 1
      ? { decision: { allowed: true, count, retryAfterSeconds: 0 }, member }
      : { decision: { allowed: false, count, retryAfterSeconds: retryAfterSeconds(waitMs) } };
  }

  async recent(key: string, windowMs: number): Promise<WindowHits> {
    const now = Math.floor(this.clock.now());
    const reply = await this.#redis.zrangebyscore(this.#prefix + key, `(${now - windowMs}`, '+inf', 'WITHSCORES');
    const hits: number[] = [];
    for (let i = 1; i < reply.length; i += 2) hits.push(Number(reply[i]));
    return { now, hits };
  }
}
