import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accessTokenLifetime } from './token-lifetime';

test('SPEC §3: 4 h for sales channels, 2 h for the other kinds, a credential’s own expires_in first', () => {
  assert.equal(accessTokenLifetime('sales_channel', null), 14400);
  for (const kind of ['integration', 'webapp', 'app'] as const) assert.equal(accessTokenLifetime(kind, null), 7200);
  assert.equal(accessTokenLifetime('sales_channel', 86400), 86400);
});
