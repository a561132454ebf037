import { describe } from 'node:test';
import { Redis } from 'ioredis';
import { RedisSlidingWindow } from '../src/adapters/redis/redis-sliding-window';
import { rateLimitContract } from './rate-limit-contract';
import { deleteKeys, redisReachable, TEST_REDIS_URL, testKeyPrefix } from './support/redis-reachable';

// In CI redisReachable() throws when Redis is down; elsewhere the suite is skipped loudly.
describe('Redis', { skip: !(await redisReachable()) && 'Redis is unreachable' }, () => {
  rateLimitContract('Redis', async () => {
    const prefix = testKeyPrefix();
    // Two clients, as two instances would have: the race tests then cross connections too.
    const clients = [new Redis(TEST_REDIS_URL), new Redis(TEST_REDIS_URL)];
    let next = 0;
    return {
      limiter: (clock) => new RedisSlidingWindow(clients[next++ % 2] as Redis, clock, { keyPrefix: prefix }),
      close: async () => {
        await deleteKeys(clients[0] as Redis, prefix);
        await Promise.all(clients.map((c) => c.quit()));
      },
    };
  });
});
