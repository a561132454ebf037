import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

let reachable: Promise<boolean> | undefined;

/**
 * Whether the Redis suites run. In CI (CI=true) Redis is required: an unreachable server fails the
 * run. Elsewhere the suites are skipped with a loud note (as test-storage.ts does for PostgreSQL).
 */
export function redisReachable(): Promise<boolean> {
  reachable ??= (async () => {
    const client = new Redis(TEST_REDIS_URL, {
      lazyConnect: true,
      connectTimeout: 3000,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.ping();
      await client.quit();
      return true;
    } catch (error) {
      client.disconnect();
      if (process.env.CI) throw new Error(`Redis is required in CI but ${TEST_REDIS_URL} is unreachable`, { cause: error });
      console.warn(`\n*** Redis at ${TEST_REDIS_URL} is unreachable: the Redis rate-limit suites are SKIPPED ***\n`);
      return false;
    }
  })();
  return reachable;
}

/** A key prefix of this run's own, so that test files never see each other's counts. */
export function testKeyPrefix(): string {
  return `countersign-test:${randomBytes(6).toString('hex')}:`;
}

/** Deletes every key under `prefix` (SCAN, never KEYS, so a shared Redis is not blocked). */
export async function deleteKeys(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await client.del(...keys);
  } while (cursor !== '0');
}
