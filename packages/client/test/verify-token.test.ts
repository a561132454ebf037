import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { type CountersignClaims, InvalidTokenError, JwksUnavailableError, verifyToken } from '../src/index.js';
import { backofficeClaims, ISSUER, NOW, type SigningKey, sign, signingKey } from './support/token-factory.js';

describe('verifyToken', () => {
  let key: SigningKey;
  let other: SigningKey;
  const options = () => ({ issuer: ISSUER, jwks: () => key.jwks, now: () => NOW });
  const refused = async (token: string, reason: InvalidTokenError['reason'], extra: object = {}) => {
    await assert.rejects(verifyToken(token, { ...options(), ...extra }), (error: unknown) => {
      assert.ok(error instanceof InvalidTokenError, String(error));
      assert.equal(error.code, 'invalid_token');
      assert.equal(error.reason, reason);
      return true;
    });
  };

  before(async () => {
    key = await signingKey('k1');
    other = await signingKey('k2');
  });

  test('a Countersign access token: its claims, typed', async () => {
    const claims: CountersignClaims = await verifyToken(await sign(key, backofficeClaims()), options());
    assert.equal(claims.iss, ISSUER);
    assert.equal(claims.aud, 'backoffice');
    assert.equal(claims.store?.id, 'store-1');
    assert.equal(claims.application.kind, 'integration');
  });

  test('an expired token is refused, and clockTolerance is honoured', async () => {
    const token = await sign(key, backofficeClaims({ exp: Math.floor(NOW / 1000) - 10 }));
    await refused(token, 'expired');
    await verifyToken(token, { ...options(), clockTolerance: 30 });
  });

  test('a token signed by a key the issuer does not publish is refused', async () => {
    await refused(await sign(other, backofficeClaims(), { kid: 'k1' }), 'signature');
    await refused(await sign(other, backofficeClaims()), 'signature');
  });

  test('a token of another typ (an ID token, an API key, a plain JWT) is refused', async () => {
    await refused(await sign(key, backofficeClaims(), { typ: 'JWT' }), 'claims');
    await refused(await sign(key, backofficeClaims(), { typ: 'api-key+jwt' }), 'claims');
  });

  test('a token from another issuer is refused, however close the string', async () => {
    await refused(await sign(key, backofficeClaims({ iss: `${ISSUER}/` })), 'claims');
  });

  test('an HMAC token is refused even when the secret is the public JWK', async () => {
    const hmac = await new SignJWT(backofficeClaims())
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: 'k1' })
      .sign(new TextEncoder().encode(JSON.stringify(key.jwks.keys[0])));
    await refused(hmac, 'malformed');
  });

  test('garbage, an empty string, a stripped signature and alg none are refused', async () => {
    await refused('not-a-jwt', 'malformed');
    await refused('', 'missing');
    const [, payload] = (await sign(key, backofficeClaims())).split('.');
    const [header] = (await sign(key, backofficeClaims())).split('.');
    await refused(`${header}.${payload}.`, 'signature');
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url');
    await refused(`${none}.${payload}.`, 'malformed');
  });

  test('a signed token without the Countersign claims is refused', async () => {
    await refused(await sign(key, backofficeClaims({ aud: 'someone-else' })), 'claims');
    await refused(await sign(key, backofficeClaims({ application: undefined })), 'claims');
    await refused(await sign(key, backofficeClaims({ jti: undefined })), 'claims');
    await refused(await sign(key, backofficeClaims({ stores: [{ slug: 'x' }] })), 'claims');
  });

  test('jwksUri: fetched through the injected fetch, cached, and refetched when a rotated key appears', async () => {
    let published = key.jwks;
    const fetched: string[] = [];
    const fetchImpl = (async (url: string | URL | Request) => {
      fetched.push(String(url));
      return new Response(JSON.stringify(published), { headers: { 'content-type': 'application/json' } });
    }) as typeof fetch;
    const remote = { issuer: ISSUER, jwksUri: `${ISSUER}/.well-known/jwks.json`, fetch: fetchImpl, jwksCooldown: 0, now: () => NOW };
    await verifyToken(await sign(key, backofficeClaims()), remote);
    await verifyToken(await sign(key, backofficeClaims()), remote);
    assert.equal(fetched.length, 1, 'the document is cached between calls');
    published = { keys: [...key.jwks.keys, ...other.jwks.keys] };
    await verifyToken(await sign(other, backofficeClaims()), remote);
    assert.equal(fetched.length, 2, 'an unknown kid fetches the document again');
    assert.equal(fetched[0], `${ISSUER}/.well-known/jwks.json`);
  });

  test('jwksUri that cannot be fetched is JwksUnavailableError, not the token’s fault', async () => {
    const failing = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    await assert.rejects(
      verifyToken(await sign(key, backofficeClaims()), {
        issuer: ISSUER,
        jwksUri: 'https://down.example/jwks',
        fetch: failing,
        now: () => NOW,
      }),
      (error: unknown) => error instanceof JwksUnavailableError && error.code === 'jwks_unavailable',
    );
  });

  test('jwks getter: read on every call, so a key added later is used', async () => {
    let published = key.jwks;
    const opts = { issuer: ISSUER, jwks: async () => published, now: () => NOW };
    await refused(await sign(other, backofficeClaims()), 'signature', opts);
    published = { keys: [...key.jwks.keys, ...other.jwks.keys] };
    await verifyToken(await sign(other, backofficeClaims()), opts);
  });

  describe('API keys (SPEC §4)', () => {
    const apiKeyClaims = (overrides: Record<string, unknown> = {}) =>
      backofficeClaims({
        exp: undefined,
        store: undefined,
        stores: [{ id: 'store-1', slug: 'shop' }],
        grant_id: 'grant-1',
        test: false,
        application: { id: 'app-1', client_id: 'client-1', kind: 'app', public: false },
        ...overrides,
      });

    test('accepted only when asked for: no exp, grant_id and stores', async () => {
      const apiKey = await sign(key, apiKeyClaims(), { typ: 'api-key+jwt' });
      const claims = await verifyToken(apiKey, { ...options(), apiKeys: true });
      assert.equal(claims.exp, undefined);
      assert.equal(claims.grant_id, 'grant-1');
      await refused(apiKey, 'claims');
    });

    test('an API key with an exp, or without its grant, is not one', async () => {
      await refused(await sign(key, apiKeyClaims({ exp: Math.floor(NOW / 1000) + 60 }), { typ: 'api-key+jwt' }), 'claims', {
        apiKeys: true,
      });
      await refused(await sign(key, apiKeyClaims({ grant_id: undefined }), { typ: 'api-key+jwt' }), 'claims', { apiKeys: true });
      await refused(await sign(key, apiKeyClaims({ stores: undefined }), { typ: 'api-key+jwt' }), 'claims', { apiKeys: true });
    });

    test('accepting API keys does not let an access token drop its exp', async () => {
      await refused(await sign(key, apiKeyClaims()), 'claims', { apiKeys: true });
    });
  });

  test('exactly one key source', async () => {
    const token = await sign(key, backofficeClaims());
    await assert.rejects(verifyToken(token, { issuer: ISSUER }), TypeError);
    await assert.rejects(verifyToken(token, { issuer: ISSUER, jwks: () => key.jwks, jwksUri: 'https://x.example/jwks' }), TypeError);
  });
});
