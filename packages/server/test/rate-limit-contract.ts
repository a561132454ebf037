import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { TooManyRequestsError } from '../src/core/errors/oauth-errors';
import type { Clock } from '../src/core/ports/clock';
import type { SlidingWindowLimiter } from '../src/core/ports/sliding-window-limiter';
import { FailedAttemptGuard } from '../src/core/rate-limit/failed-attempt-guard';
import { failedAttemptKeys } from '../src/core/rate-limit/failed-attempt-keys';
import { TestClock } from './support/test-clock';

export interface LimiterBackend {
  /** A limiter on this backend that reads `clock`; limiters of one backend share their counts. */
  limiter(clock: Clock): SlidingWindowLimiter;
  close(): Promise<void>;
}

const MINUTE = 60_000;
const key = (name: string) => `${name}:${randomBytes(4).toString('hex')}`;

/** Seconds a guard makes the caller wait before an attempt (0 when it may try). */
async function blockedFor(guard: FailedAttemptGuard, keys: string[]): Promise<number> {
  return guard.retryAfter(keys);
}

/** One attempt that fails (a wrong password); throws TooManyRequestsError when throttled. */
async function fail(guard: FailedAttemptGuard, keys: string[]): Promise<void> {
  await (await guard.begin(keys)).failed();
}

/** One attempt, failed, or the Retry-After seconds it was refused with. */
async function tryFail(guard: FailedAttemptGuard, keys: string[]): Promise<number> {
  try {
    await fail(guard, keys);
    return 0;
  } catch (error) {
    assert.ok(error instanceof TooManyRequestsError);
    assert.equal(error.status, 429);
    return error.retryAfterSeconds;
  }
}

/**
 * Every rate-limit test, run once per backend (rate-limit.memory.test.ts, rate-limit.redis.test.ts):
 * memory and Redis must count alike, including under concurrency. Time comes from a TestClock only.
 */
export function rateLimitContract(name: string, open: () => Promise<LimiterBackend>): void {
  describe(`sliding-window contract: ${name}`, () => {
    let backend: LimiterBackend;
    before(async () => {
      backend = await open();
    });
    after(async () => {
      await backend.close();
    });

    test('the limit is exact: `limit` hits pass, the next is refused and not counted', async () => {
      const limiter = backend.limiter(new TestClock());
      const k = key('exact');
      for (let i = 1; i <= 3; i++) assert.deepEqual(await limiter.hit(k, 3, MINUTE), { allowed: true, count: i, retryAfterSeconds: 0 });
      const refused = await limiter.hit(k, 3, MINUTE);
      assert.equal(refused.allowed, false);
      assert.equal(refused.count, 3);
      assert.equal((await limiter.recent(k, MINUTE)).hits.length, 3);
    });

    test('Retry-After is the wait until the oldest counted hit leaves the window, rounded up, at least 1', async () => {
      const clock = new TestClock();
      const limiter = backend.limiter(clock);
      const k = key('retry');
      for (const _ of [0, 10, 20]) {
        assert.equal((await limiter.hit(k, 3, MINUTE)).allowed, true);
        clock.advance(10);
      }
      // Now 30 s after the first hit: it leaves the window in 30 s.
      assert.deepEqual(await limiter.hit(k, 3, MINUTE), { allowed: false, count: 3, retryAfterSeconds: 30 });
      clock.advance(29.5);
      assert.equal((await limiter.hit(k, 3, MINUTE)).retryAfterSeconds, 1);
      clock.advance(0.499);
      assert.equal((await limiter.hit(k, 3, MINUTE)).retryAfterSeconds, 1);
      clock.advance(0.001);
      assert.deepEqual(await limiter.hit(k, 3, MINUTE), { allowed: true, count: 3, retryAfterSeconds: 0 });
    });

    test('the window slides: hits are counted in any 60 s span, not per calendar minute', async () => {
      const clock = new TestClock(Date.UTC(2026, 0, 1, 12, 0, 50));
      const limiter = backend.limiter(clock);
      const k = key('sliding');
      for (let i = 0; i < 3; i++) assert.equal((await limiter.hit(k, 3, MINUTE)).allowed, true);
      // 12:01:05 is another calendar minute, but the three hits of 12:00:50 are 15 s old.
      clock.advance(15);
      assert.deepEqual(await limiter.hit(k, 3, MINUTE), { allowed: false, count: 3, retryAfterSeconds: 45 });
      clock.advance(45);
      assert.equal((await limiter.hit(k, 3, MINUTE)).allowed, true);
      clock.advance(10);
      // Two more fit (the 12:00:50 hits are gone, one hit of 12:01:50 remains) and then no more.
      assert.equal((await limiter.hit(k, 3, MINUTE)).allowed, true);
      assert.equal((await limiter.hit(k, 3, MINUTE)).allowed, true);
      assert.deepEqual(await limiter.hit(k, 3, MINUTE), { allowed: false, count: 3, retryAfterSeconds: 50 });
    });

    test('refused hits do not extend the block: hammering while refused costs nothing', async () => {
      const clock = new TestClock();
      const limiter = backend.limiter(clock);
      const k = key('hammer');
      assert.equal((await limiter.hit(k, 2, MINUTE)).allowed, true);
      assert.equal((await limiter.hit(k, 2, MINUTE)).allowed, true);
      for (let s = 0; s < 59; s++) {
        assert.equal((await limiter.hit(k, 2, MINUTE)).allowed, false);
        clock.advance(1);
      }
      clock.advance(1);
      assert.equal((await limiter.hit(k, 2, MINUTE)).allowed, true);
    });

    test('keys are independent', async () => {
      const limiter = backend.limiter(new TestClock());
      const [a, b] = [key('a'), key('b')];
      assert.equal((await limiter.hit(a, 1, MINUTE)).allowed, true);
      assert.equal((await limiter.hit(a, 1, MINUTE)).allowed, false);
      assert.equal((await limiter.hit(b, 1, MINUTE)).allowed, true);
    });

    test('a limit of 0 turns the limit off and stores nothing', async () => {
      const limiter = backend.limiter(new TestClock());
      const k = key('off');
      for (let i = 0; i < 100; i++) assert.deepEqual(await limiter.hit(k, 0, MINUTE), { allowed: true, count: 0, retryAfterSeconds: 0 });
      assert.deepEqual((await limiter.recent(k, MINUTE)).hits, []);
    });

    test('concurrent hits never overshoot: 50 at once against a limit of 30 let exactly 30 through', async () => {
      const limiter = backend.limiter(new TestClock());
      const k = key('race');
      const decisions = await Promise.all(Array.from({ length: 50 }, () => limiter.hit(k, 30, MINUTE)));
      assert.equal(decisions.filter((d) => d.allowed).length, 30);
      // Each allowed hit saw its own count: no two were counted as the same.
      assert.deepEqual(
        decisions
          .filter((d) => d.allowed)
          .map((d) => d.count)
          .sort((x, y) => x - y),
        Array.from({ length: 30 }, (_, i) => i + 1),
      );
      assert.ok(decisions.filter((d) => !d.allowed).every((d) => d.retryAfterSeconds === 60));
    });

    test('two limiters (two instances) on one backend share the count', async () => {
      const clock = new TestClock();
      const [one, two] = [backend.limiter(clock), backend.limiter(clock)];
      const k = key('shared');
      const decisions = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? one : two).hit(k, 7, MINUTE)));
      assert.equal(decisions.filter((d) => d.allowed).length, 7);
    });

    test('hits in the same millisecond are counted separately', async () => {
      const limiter = backend.limiter(new TestClock());
      const k = key('same-ms');
      await limiter.hit(k, 10, MINUTE);
      await limiter.hit(k, 10, MINUTE);
      assert.equal((await limiter.recent(k, MINUTE)).hits.length, 2);
    });

    test('recent() lists the hits inside a window, oldest first, and counts nothing', async () => {
      const clock = new TestClock();
      const limiter = backend.limiter(clock);
      const k = key('recent');
      const start = clock.now();
      await limiter.hit(k, 10, MINUTE);
      clock.advance(20);
      await limiter.hit(k, 10, MINUTE);
      clock.advance(20);
      assert.deepEqual(await limiter.recent(k, MINUTE), { now: start + 40_000, hits: [start, start + 20_000] });
      assert.deepEqual((await limiter.recent(k, 30_000)).hits, [start + 20_000]);
      assert.equal((await limiter.recent(k, MINUTE)).hits.length, 2);
      clock.advance(40);
      assert.deepEqual((await limiter.recent(k, MINUTE)).hits, []);
    });

    test('with more hits than the limit (a lowered limit), the wait lasts until enough have left', async () => {
      const clock = new TestClock();
      const limiter = backend.limiter(clock);
      const k = key('lowered');
      for (let i = 0; i < 5; i++) {
        await limiter.hit(k, 5, MINUTE);
        clock.advance(1);
      }
      // Hits at 0..4 s, now 5 s: below 2 again once the hits of 0..3 s are gone, at 63 s.
      assert.deepEqual(await limiter.hit(k, 2, MINUTE), { allowed: false, count: 5, retryAfterSeconds: 58 });
    });

    test('a large limit stays exact: hits spread over the window each leave exactly 60 s after they were counted', async () => {
      const clock = new TestClock();
      const limiter = backend.limiter(clock);
      const k = key('large');
      // 600 hits 100 ms apart fill a limit of 600 over one minute.
      for (let i = 0; i < 600; i++) {
        assert.equal((await limiter.hit(k, 600, MINUTE)).allowed, true);
        clock.advance(0.1);
      }
      // Now exactly 60 s after the first hit: it has left, so one more fits, and then none.
      assert.deepEqual(await limiter.hit(k, 600, MINUTE), { allowed: true, count: 600, retryAfterSeconds: 0 });
      assert.deepEqual(await limiter.hit(k, 600, MINUTE), { allowed: false, count: 600, retryAfterSeconds: 1 });
      // 30 s later the 300 oldest have left, and exactly 300 fit again.
      clock.advance(30);
      let allowed = 0;
      for (let i = 0; i < 400; i++) if ((await limiter.hit(k, 600, MINUTE)).allowed) allowed++;
      assert.equal(allowed, 300);
      assert.equal((await limiter.recent(k, MINUTE)).hits.length, 600);
    });

    test('undo takes back exactly its own hit, among many others', async () => {
      const clock = new TestClock();
      const limiter = backend.limiter(clock);
      const k = key('undo');
      const start = clock.now();
      for (let i = 0; i < 5; i++) {
        await limiter.hit(k, 100, MINUTE);
        clock.advance(1);
      }
      const mine = await limiter.hitUndoable(k, 100, MINUTE);
      clock.advance(1);
      for (let i = 0; i < 5; i++) await limiter.hit(k, 100, MINUTE);
      await mine.undo();
      assert.deepEqual((await limiter.recent(k, MINUTE)).hits, [
        ...Array.from({ length: 5 }, (_, i) => start + i * 1000),
        ...Array.from({ length: 5 }, () => start + 6000),
      ]);
    });

    describe('failed-attempt guard on this backend', () => {
      // Every test its own address: the per-address key is shared by all accounts.
      let lastOctet = 0;
      const newAddress = () => `198.51.100.${++lastOctet}`;
      const guardOn = (clock: TestClock, limit = 3) => new FailedAttemptGuard(backend.limiter(clock), { limit });

      test('failures up to the limit pass; the failure that reaches it blocks for a minute', async () => {
        const clock = new TestClock();
        const guard = guardOn(clock);
        const keys = failedAttemptKeys('shopper', key('alice'), newAddress());
        for (let i = 0; i < 2; i++) {
          await fail(guard, keys);
          clock.advance(10);
        }
        assert.equal(await blockedFor(guard, keys), 0);
        await fail(guard, keys);
        assert.equal(await blockedFor(guard, keys), 60);
        assert.equal(await tryFail(guard, keys), 60, 'a further attempt is refused before it is judged');
        clock.advance(59.2);
        assert.equal(await blockedFor(guard, keys), 1);
        clock.advance(0.8);
        assert.equal(await blockedFor(guard, keys), 0);
      });

      test('successes are never limited: an attempt that succeeds is taken back', async () => {
        const guard = guardOn(new TestClock());
        const keys = failedAttemptKeys('shopper', key('bob'), newAddress());
        for (let i = 0; i < 100; i++) await (await guard.begin(keys)).succeeded();
        assert.equal(await blockedFor(guard, keys), 0);
        assert.equal((await backend.limiter(new TestClock()).recent(`fail:${keys[0]}`, MINUTE)).hits.length, 0);
      });

      test('the account is slowed for every address, never locked; the blocked address is blocked for every account (SPEC §3)', async () => {
        const clock = new TestClock();
        const guard = guardOn(clock);
        const account = key('carol');
        const address = newAddress();
        for (let i = 0; i < 3; i++) await fail(guard, failedAttemptKeys('shopper', account, address));
        assert.equal(await blockedFor(guard, failedAttemptKeys('shopper', account, address)), 60);
        // The address is blocked for every account and every kind of sign-in.
        assert.equal(await blockedFor(guard, failedAttemptKeys('app_exchange', key('app'), address)), 60);
        // The account is slowed from other addresses too (per account across all addresses)...
        assert.equal(await blockedFor(guard, failedAttemptKeys('shopper', account, newAddress())), 60);
        // ...and the slow-down ends by itself: the person can outwait it.
        clock.advance(60);
        assert.equal(await blockedFor(guard, failedAttemptKeys('shopper', account, newAddress())), 0);
      });

      test('guesses at one account from many addresses are limited per account (SPEC §3)', async () => {
        const guard = guardOn(new TestClock());
        const account = key('grace');
        let evaluated = 0;
        for (let i = 0; i < 50; i++) {
          if ((await tryFail(guard, failedAttemptKeys('staff', account, newAddress()))) === 0) evaluated++;
        }
        assert.equal(evaluated, 3, 'fifty guesses from fifty addresses: only the limit is evaluated');
      });

      test('back-off: each further strike within the hour doubles the block, up to 15 minutes; an hour of quiet resets it', async () => {
        const clock = new TestClock();
        const guard = guardOn(clock);
        const keys = failedAttemptKeys('shopper', key('dave'), newAddress());
        const blocks: number[] = [];
        for (let strike = 0; strike < 6; strike++) {
          for (let i = 0; i < 3; i++) await fail(guard, keys);
          const wait = await blockedFor(guard, keys);
          blocks.push(wait);
          clock.advance(wait);
          assert.equal(await blockedFor(guard, keys), 0);
        }
        assert.deepEqual(blocks, [60, 120, 240, 480, 900, 900]);
        clock.advance(3600);
        for (let i = 0; i < 3; i++) await fail(guard, keys);
        assert.equal(await blockedFor(guard, keys), 60);
      });

      test('concurrent attempts are counted before they are judged: 30 at once against a limit of 10 let 10 through (SPEC §3)', async () => {
        const guard = guardOn(new TestClock(), 10);
        const keys = failedAttemptKeys('shopper', key('eve'), newAddress());
        const outcomes = await Promise.allSettled(Array.from({ length: 30 }, () => guard.begin(keys)));
        const admitted = outcomes.filter(
          (o): o is PromiseFulfilledResult<Awaited<ReturnType<FailedAttemptGuard['begin']>>> => o.status === 'fulfilled',
        );
        assert.equal(admitted.length, 10);
        for (const o of outcomes) if (o.status === 'rejected') assert.ok(o.reason instanceof TooManyRequestsError);
        await Promise.all(admitted.map((o) => o.value.failed()));
        assert.equal(await blockedFor(guard, keys), 60, 'the ten failures struck once');
      });

      test('a refused attempt leaves nothing counted under the keys that had room', async () => {
        const guard = guardOn(new TestClock(), 2);
        const address = newAddress();
        const busy = key('busy');
        for (let i = 0; i < 2; i++) await fail(guard, failedAttemptKeys('shopper', busy, address));
        // The address is full, so an attempt at another account from it is refused, and that account keeps its room.
        const other = key('other');
        assert.ok((await tryFail(guard, failedAttemptKeys('shopper', other, address))) > 0);
        assert.equal(await blockedFor(guard, failedAttemptKeys('shopper', other, newAddress())), 0);
        await fail(guard, failedAttemptKeys('shopper', other, newAddress()));
        assert.equal(await blockedFor(guard, failedAttemptKeys('shopper', other, newAddress())), 0);
      });

      test('a limit of 0 turns the guard off', async () => {
        const guard = guardOn(new TestClock(), 0);
        const keys = failedAttemptKeys('shopper', key('frank'), newAddress());
        for (let i = 0; i < 50; i++) await fail(guard, keys);
        assert.equal(await blockedFor(guard, keys), 0);
      });
    });
  });
}
