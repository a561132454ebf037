import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scopesForRole } from './role-scopes';

test('SPEC §2: owners and admins hold every scope of the client, members only the *.view ones', () => {
  const scopes = ['stores.view', 'stores.update', 'stores.products.view', 'provisioning'];
  assert.deepEqual(scopesForRole(scopes, 'owner'), scopes);
  assert.deepEqual(scopesForRole(scopes, 'admin'), scopes);
  assert.deepEqual(scopesForRole(scopes, 'member'), ['stores.view', 'stores.products.view']);
});
