import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import {
  type CountersignClaims,
  createGuard,
  ForbiddenError,
  type GuardRequirement,
  InvalidTokenError,
  tokenStoreIds,
} from '../src/index.js';
import { backofficeClaims, ISSUER, NOW, type SigningKey, sign, signingKey, storefrontClaims } from './support/token-factory.js';

describe('createGuard', () => {
  let key: SigningKey;
  const revoked = new Set<string>();
  const guard = () =>
    createGuard({
      issuer: ISSUER,
      jwks: () => key.jwks,
      now: () => NOW,
      isRevoked: async (c) => revoked.has(c.jti) || revoked.has(c.grant_id ?? ''),
    });
  const bearer = async (claims: Record<string, unknown>) => `Bearer ${await sign(key, claims)}`;
  const forbidden = async (header: string, requirement: GuardRequirement, reason: ForbiddenError['reason']) => {
    await assert.rejects(guard().check(header, requirement), (error: unknown) => {
      assert.ok(error instanceof ForbiddenError, String(error));
      assert.equal(error.code, 'forbidden');
      assert.equal(error.reason, reason);
      return true;
    });
  };
  const invalid = async (header: string | undefined, reason: InvalidTokenError['reason']) => {
    await assert.rejects(guard().check(header, { audience: 'backoffice' }), (error: unknown) => {
      assert.ok(error instanceof InvalidTokenError, String(error));
      assert.equal(error.code, 'invalid_token');
      assert.equal(error.reason, reason);
      return true;
    });
  };

  before(async () => {
    key = await signingKey('k1');
  });

  test('a token that meets the requirement: its claims', async () => {
    const claims: CountersignClaims = await guard().check(await bearer(backofficeClaims()), {
      audience: 'backoffice',
      scopes: ['stores.view'],
      mode: 'test',
      storeId: 'store-1',
    });
    assert.equal(claims.client_id, 'client-1');
  });

  test('the scheme is case-insensitive (RFC 9110 §11.1)', async () => {
    const header = (await bearer(backofficeClaims())).replace('Bearer', 'bEaReR');
    await guard().check(header, { audience: 'backoffice' });
  });

  test('no header, an empty one, another scheme or a bare token: invalid_token', async () => {
    await invalid(undefined, 'missing');
    await invalid('', 'missing');
    await invalid('Basic dXNlcjpwYXNz', 'malformed');
    await invalid(await sign(key, backofficeClaims()), 'malformed');
    await invalid('Bearer', 'malformed');
    await invalid('Bearer not a token', 'malformed');
  });

  test('an expired token: invalid_token', async () => {
    await invalid(await bearer(backofficeClaims({ exp: Math.floor(NOW / 1000) - 1 })), 'expired');
  });

  test('a revoked jti or grant: invalid_token, checked only after everything else passed', async () => {
    revoked.add('jti-revoked');
    revoked.add('grant-revoked');
    await invalid(await bearer(backofficeClaims({ jti: 'jti-revoked' })), 'revoked');
    await invalid(await bearer(backofficeClaims({ grant_id: 'grant-revoked' })), 'revoked');
    await guard().check(await bearer(backofficeClaims({ grant_id: 'grant-live' })), { audience: 'backoffice' });
  });

  test('the other side’s token: forbidden', async () => {
    await forbidden(await bearer(storefrontClaims()), { audience: 'backoffice' }, 'audience');
    await forbidden(await bearer(backofficeClaims()), { audience: 'storefront' }, 'audience');
  });

  test('a missing permission scope: forbidden, naming it', async () => {
    const header = await bearer(backofficeClaims({ scope: 'stores.view' }));
    await assert.rejects(
      guard().check(header, { audience: 'backoffice', scopes: ['stores.view', 'stores.orders.view'] }),
      (error: unknown) =>
        error instanceof ForbiddenError && error.reason === 'scope' && error.missingScopes.join() === 'stores.orders.view',
    );
  });

  test('a restriction entry is not a permission, and a scope must match whole', async () => {
    await forbidden(
      await bearer(backofficeClaims({ scope: 'market:code:stores.view' })),
      { audience: 'backoffice', scopes: ['stores.view'] },
      'scope',
    );
    await forbidden(
      await bearer(backofficeClaims({ scope: 'stores.view.all' })),
      { audience: 'backoffice', scopes: ['stores.view'] },
      'scope',
    );
  });

  test('the wrong mode: forbidden', async () => {
    await forbidden(await bearer(backofficeClaims({ test: true })), { audience: 'backoffice', mode: 'live' }, 'mode');
    await forbidden(await bearer(backofficeClaims({ test: false })), { audience: 'backoffice', mode: 'test' }, 'mode');
  });

  test('a store not in the token: forbidden; store or any of stores is in', async () => {
    await forbidden(await bearer(backofficeClaims()), { audience: 'backoffice', storeId: 'store-2' }, 'store');
    const appToken = backofficeClaims({
      store: undefined,
      stores: [
        { id: 'store-1', slug: 'a' },
        { id: 'store-2', slug: 'b' },
      ],
      test: false,
      application: { id: 'a', client_id: 'client-1', kind: 'app', public: false },
    });
    const claims = await guard().check(await bearer(appToken), { audience: 'backoffice', storeId: 'store-2', mode: 'live' });
    assert.deepEqual(tokenStoreIds(claims), ['store-1', 'store-2']);
    await forbidden(await bearer(appToken), { audience: 'backoffice', storeId: 'store-3' }, 'store');
  });

  test('a guard that accepts API keys must check revocation (SPEC §4: they never expire)', () => {
    assert.throws(() => createGuard({ issuer: ISSUER, jwks: () => key.jwks, apiKeys: true }), TypeError);
  });

  test('an API key through the guard: its stores, and revoked with its grant', async () => {
    const apiGuard = createGuard({
      issuer: ISSUER,
      jwks: () => key.jwks,
      now: () => NOW,
      apiKeys: true,
      isRevoked: (c) => revoked.has(c.grant_id ?? ''),
    });
    const apiKey = `Bearer ${await sign(
      key,
      backofficeClaims({
        exp: undefined,
        store: undefined,
        stores: [{ id: 'store-9', slug: 'nine' }],
        grant_id: 'grant-api',
        test: false,
        application: { id: 'a', client_id: 'client-1', kind: 'app', public: false },
      }),
      { typ: 'api-key+jwt' },
    )}`;
    await apiGuard.check(apiKey, { audience: 'backoffice', scopes: ['stores.view'], storeId: 'store-9', mode: 'live' });
    await assert.rejects(guard().check(apiKey, { audience: 'backoffice' }), InvalidTokenError);
    revoked.add('grant-api');
    await assert.rejects(
      apiGuard.check(apiKey, { audience: 'backoffice' }),
      (e: unknown) => e instanceof InvalidTokenError && e.reason === 'revoked',
    );
  });

  test('isRevoked is not asked about tokens refused before it', async () => {
    let asked = 0;
    const counting = createGuard({
      issuer: ISSUER,
      jwks: () => key.jwks,
      now: () => NOW,
      isRevoked: () => {
        asked++;
        return false;
      },
    });
    await assert.rejects(counting.check(await bearer(storefrontClaims()), { audience: 'backoffice' }), ForbiddenError);
    assert.equal(asked, 0);
    await counting.check(await bearer(backofficeClaims()), { audience: 'backoffice' });
    assert.equal(asked, 1);
  });
});
