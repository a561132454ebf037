import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { decodeToken, InvalidTokenError } from '../src/index.js';
import { backofficeClaims, type SigningKey, sign, signingKey, storefrontClaims } from './support/token-factory.js';

describe('decodeToken', () => {
  let key: SigningKey;
  before(async () => {
    key = await signingKey('k1');
  });
  const refused = (token: string, reason: InvalidTokenError['reason']) =>
    assert.throws(
      () => decodeToken(token),
      (error: unknown) => error instanceof InvalidTokenError && error.code === 'invalid_token' && error.reason === reason,
    );

  test('the header and the claims, typed, without verifying', async () => {
    const { header, payload } = decodeToken(await sign(key, storefrontClaims()));
    assert.deepEqual(header, { alg: 'ES256', typ: 'at+jwt', kid: 'k1' });
    assert.equal(payload.aud, 'storefront');
    assert.equal(payload.market?.code, 'eu');
    assert.equal(payload.application.kind, 'sales_channel');
  });

  test('an API key (no exp) decodes too', async () => {
    const apiKey = await sign(
      key,
      backofficeClaims({ exp: undefined, store: undefined, stores: [{ id: 's', slug: 'shop' }], grant_id: 'g' }),
      { typ: 'api-key+jwt' },
    );
    const { header, payload } = decodeToken(apiKey);
    assert.equal(header.typ, 'api-key+jwt');
    assert.equal(payload.exp, undefined);
    assert.equal(payload.stores?.[0]?.slug, 'shop');
  });

  test('no signature check: a token signed by anyone decodes (which is why no decision may rest on it)', async () => {
    const stranger = await signingKey('k1');
    assert.equal(decodeToken(await sign(stranger, backofficeClaims())).payload.sub, 'client-1');
  });

  test('malformed input: InvalidTokenError malformed; another JWT: claims; nothing: missing', async () => {
    refused('', 'missing');
    refused('not-a-jwt', 'malformed');
    refused('a.b', 'malformed');
    refused('a.b.c.d.e', 'malformed');
    refused(`${btoa('{"alg":"ES256"}')}.${btoa('not json')}.sig`, 'malformed');
    refused(`${btoa('{"typ":"JWT"}')}.${btoa(JSON.stringify(backofficeClaims()))}.sig`, 'malformed');
    refused(await sign(key, { sub: 'someone', iat: 1 }), 'claims');
    refused(await sign(key, backofficeClaims({ jti: 42 })), 'claims');
  });
});
