import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cryptoRandom } from './crypto-random';

test('pooled random bytes are never handed out twice and have the size asked for', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const bytes = cryptoRandom.bytes(16);
    assert.equal(bytes.length, 16);
    const hex = bytes.toString('hex');
    assert.ok(!seen.has(hex), 'a 16-byte value repeated');
    seen.add(hex);
  }
  assert.equal(cryptoRandom.bytes(5000).length, 5000);
});

test("a caller changing its bytes does not change anyone else's", () => {
  const a = cryptoRandom.bytes(32);
  const copy = Buffer.from(a);
  a.fill(0);
  const b = cryptoRandom.bytes(32);
  assert.notDeepEqual(b, a);
  assert.notDeepEqual(copy, Buffer.alloc(32));
});
