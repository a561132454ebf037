import { Redis } from 'ioredis';
import { MemorySlidingWindow } from '../adapters/memory/memory-sliding-window';
import { FallbackSlidingWindow, type LimiterNotice } from '../adapters/redis/fallback-sliding-window';
import { RedisSlidingWindow } from '../adapters/redis/redis-sliding-window';
import type { Config } from '../config/load-config';
import type { Clock } from '../core/ports/clock';
import type { SlidingWindowLimiter } from '../core/ports/sliding-window-limiter';
import { FailedAttemptGuard } from '../core/rate-limit/failed-attempt-guard';

export interface RateLimiting {
  /** The sliding window behind the token endpoint's limit (`tokenRateLimit(tokenLimiter, config)`). */
  readonly tokenLimiter: SlidingWindowLimiter;
  /** Failed sign-ins: password grant, sign-in forms, app exchange. */
  readonly failedAttempts: FailedAttemptGuard;
  /** `redis` when the counts are shared between instances, `memory` when each instance counts alone. */
  readonly backend: 'redis' | 'memory';
  /** Quits the Redis client this function opened (a client passed in is the caller's to close). */
  close(): Promise<void>;
  /** Where the switch to per-instance limits (Redis down) and back is reported, once each way. */
  reportTo(notice: LimiterNotice): void;
}

export interface RateLimitingOptions {
  /** Prefix of every Redis key (default `countersign:rate:`). */
  readonly keyPrefix?: string;
}

/**
 * The rate limits of SPEC §3, on Redis when `REDIS_URL` is set (counts shared across instances),
 * otherwise in this process's memory. Pass `redis` to reuse a client opened elsewhere.
 */
export function createRateLimiting(
  config: Pick<Config, 'redisUrl' | 'failedAttemptLimit'>,
  clock: Clock,
  redis?: Redis,
  options: RateLimitingOptions = {},
): RateLimiting {
  const ownClient = redis === undefined && config.redisUrl !== undefined;
  const client =
    redis ??
    (config.redisUrl === undefined
      ? undefined
      : new Redis(config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2, commandTimeout: 500 }));
  let notice: LimiterNotice = () => {};
  // Redis down: each instance counts alone (reported once), rather than every token request failing.
  client?.on('error', () => {});
  let connectedOnce = false;
  client?.once('ready', () => {
    connectedOnce = true;
  });
  const store: SlidingWindowLimiter = client
    ? new FallbackSlidingWindow(
        new RedisSlidingWindow(client, clock, { keyPrefix: options.keyPrefix }),
        new MemorySlidingWindow(clock),
        () => countsShared(client.status, connectedOnce),
        () => notice,
      )
    : new MemorySlidingWindow(clock);
  return {
    tokenLimiter: store,
    failedAttempts: new FailedAttemptGuard(store, { limit: config.failedAttemptLimit }),
    backend: client ? 'redis' : 'memory',
    reportTo: (to) => {
      notice = to;
    },
    close: async () => {
      if (ownClient && client) await client.quit();
    },
  };
}

/** ioredis's states before its first `ready`: not connected yet, connecting, or connected and checking. */
const STARTING = new Set(['wait', 'connecting', 'connect']);

/**
 * Whether a hit goes to Redis (shared between instances) rather than this instance's own window.
 * Before the first connection is ready, commands wait for it (ioredis queues them), so that a new
 * instance counts in the shared window from its first request; a Redis that is down from the start
 * is found out by their failure. After it, a lost connection means the local window at once.
 */
export function countsShared(status: string, connectedOnce: boolean): boolean {
  return status === 'ready' || (!connectedOnce && STARTING.has(status));
}
