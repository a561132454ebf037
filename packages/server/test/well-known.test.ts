import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from './support/test-app';

describe('well-known endpoints', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  test('metadata carries the fields SPEC §3 requires, with the issuer byte for byte', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/.well-known/oauth-authorization-server' });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.issuer, 'http://127.0.0.1:4000');
    assert.equal(body.token_endpoint, 'http://127.0.0.1:4000/oauth/token');
    assert.equal(body.authorization_endpoint, 'http://127.0.0.1:4000/oauth/authorize');
    assert.equal(body.revocation_endpoint, 'http://127.0.0.1:4000/oauth/revoke');
    assert.equal(body.introspection_endpoint, 'http://127.0.0.1:4000/oauth/introspect');
    assert.equal(body.jwks_uri, 'http://127.0.0.1:4000/.well-known/jwks.json');
    assert.deepEqual(body.response_types_supported, ['code']);
    assert.deepEqual(body.code_challenge_methods_supported, ['S256']);
    assert.deepEqual(body.token_endpoint_auth_methods_supported, ['client_secret_basic', 'client_secret_post', 'none']);
    assert.deepEqual(body.grant_types_supported, [
      'client_credentials',
      'password',
      'authorization_code',
      'refresh_token',
      'urn:ietf:params:oauth:grant-type:jwt-bearer',
    ]);
    assert.ok(body.scopes_supported.includes('stores.view'));
    assert.equal(body.authorization_response_iss_parameter_supported, true);
    assert.equal(res.headers['access-control-allow-origin'], '*');
  });

  test('the JWKS publishes the current and the next key, public parts only', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    assert.equal(res.statusCode, 200);
    const { keys } = res.json();
    assert.equal(keys.length, 2);
    for (const key of keys) {
      assert.equal(key.alg, 'ES256');
      assert.equal(key.crv, 'P-256');
      assert.equal(key.use, 'sig');
      assert.equal(key.d, undefined, 'a private part leaked into the JWKS');
      assert.match(key.kid, /^[A-Za-z0-9_-]{43}$/);
    }
    assert.equal(res.headers['access-control-allow-origin'], '*');
  });

  test('preflight to the JWKS answers 204 allowing Content-Type but not Authorization', async () => {
    const res = await t.app.inject({
      method: 'OPTIONS',
      url: '/.well-known/jwks.json',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'GET' },
    });
    assert.equal(res.statusCode, 204);
    assert.equal(res.headers['access-control-allow-origin'], '*');
    assert.equal(res.headers['access-control-allow-headers'], 'Content-Type');
    assert.equal(res.headers['access-control-allow-credentials'], undefined);
  });

  test('healthz and readyz answer', async () => {
    assert.equal((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(ready.statusCode, 200);
    assert.deepEqual(ready.json(), { status: 'ready' });
  });
});
