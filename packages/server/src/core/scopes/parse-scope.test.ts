import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidScopeError } from '../errors/oauth-errors';
import { parseScope } from './parse-scope';

test('permission scopes and restriction entries are told apart, permissions deduplicated in order', () => {
  assert.deepEqual(parseScope('stores.view market:code:eu stores.view stock_location:id:wh1 user.view'), {
    permissions: ['stores.view', 'user.view'],
    market: { by: 'code', value: 'eu' },
    stockLocation: { by: 'id', value: 'wh1' },
    restrictions: ['market:code:eu', 'stock_location:id:wh1'],
  });
  assert.deepEqual(parseScope(undefined), { permissions: [], market: undefined, stockLocation: undefined, restrictions: [] });
});

test('an unknown scope, a second market or stock location, or a character RFC 6749 §3.3 forbids is invalid_scope', () => {
  for (const scope of [
    'stores.fly',
    'market:code:a market:code:b',
    'stock_location:id:a stock_location:id:b',
    'stores.view\\',
    'market:name:eu',
  ]) {
    assert.throws(() => parseScope(scope), InvalidScopeError, scope);
  }
});
