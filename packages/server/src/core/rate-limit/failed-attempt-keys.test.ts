import assert from 'node:assert/strict';
import { test } from 'node:test';
import { failedAttemptKeys } from './failed-attempt-keys';

test('a person’s account counts per (account, address), per address and per account; an app not per app alone', () => {
  const shopper = failedAttemptKeys('shopper', 'store:test:alice@example.com', '203.0.113.7');
  assert.equal(shopper.length, 3);
  assert.ok(shopper.includes('address@203.0.113.7'));
  assert.equal(shopper.filter((k) => k.endsWith('@203.0.113.7')).length, 2);
  const app = failedAttemptKeys('app_exchange', 'app-client-id', '203.0.113.7');
  assert.equal(app.length, 2);
  assert.ok(app.every((k) => k.endsWith('@203.0.113.7')));
});

test('no email ever appears in a key (Redis holds them)', () => {
  for (const key of failedAttemptKeys('staff', 'alice@example.com', '203.0.113.7')) assert.ok(!key.includes('alice'), key);
});
