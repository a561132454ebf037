import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TestClock } from '../../../test/support/test-clock';
import { MemorySlidingWindow } from './memory-sliding-window';

test('memory stays bounded: past maxKeys the least recently hit keys are forgotten', async () => {
  const store = new MemorySlidingWindow(new TestClock(), { maxKeys: 100 });
  for (let i = 0; i < 1000; i++) {
    await store.hit(`address-${i}`, 5, 60_000);
    if (i % 50 === 0) await store.hit('busy', 1000, 60_000);
  }
  assert.equal(store.size, 100);
  assert.equal((await store.recent('address-999', 60_000)).hits.length, 1);
  assert.equal((await store.recent('address-0', 60_000)).hits.length, 0);
  // Hit recently enough (at i = 950) to be among the hundred most recent.
  assert.equal((await store.recent('busy', 60_000)).hits.length, 20);
});

test('expired keys are swept once their window has passed, even when the map is not full', async () => {
  const clock = new TestClock();
  const store = new MemorySlidingWindow(clock, { sweepIntervalMs: 60_000 });
  for (let i = 0; i < 500; i++) await store.hit(`address-${i}`, 5, 60_000);
  assert.equal(store.size, 500);
  clock.advance(61);
  await store.hit('late', 5, 60_000);
  assert.equal(store.size, 1);
});

test('a clock that steps back keeps the hits in order', async () => {
  const clock = new TestClock();
  const store = new MemorySlidingWindow(clock);
  clock.advance(10);
  await store.hit('k', 5, 60_000);
  clock.advance(-5);
  await store.hit('k', 5, 60_000);
  const { hits } = await store.recent('k', 60_000);
  assert.deepEqual(
    hits,
    [...hits].sort((a, b) => a - b),
  );
});
