import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { authorizeUrl, codeChallengeS256, generateCodeVerifier, generateState } from '../src/index.js';

const ISSUER = 'https://auth.example';

describe('authorizeUrl', () => {
  test('{issuer}/oauth/authorize with response_type=code and every parameter given; PKCE is always S256', () => {
    const url = new URL(
      authorizeUrl({
        issuer: ISSUER,
        clientId: 'webapp-1',
        redirectUri: 'https://app.example/cb?x=1',
        scope: ['stores.view', 'stores.orders.view'],
        state: 's t&a=te',
        codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      }),
    );
    assert.equal(`${url.origin}${url.pathname}`, 'https://auth.example/oauth/authorize');
    assert.deepEqual(Object.fromEntries(url.searchParams), {
      response_type: 'code',
      client_id: 'webapp-1',
      redirect_uri: 'https://app.example/cb?x=1',
      scope: 'stores.view stores.orders.view',
      state: 's t&a=te',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    });
  });

  test('only what was given: no redirect_uri, scope, state or PKCE unless asked', () => {
    const url = new URL(authorizeUrl({ issuer: ISSUER, clientId: 'c' }));
    assert.deepEqual(Object.fromEntries(url.searchParams), { response_type: 'code', client_id: 'c' });
  });

  test('the storefront and back-office paths, under an issuer with a path prefix', () => {
    assert.match(
      authorizeUrl({ issuer: ISSUER, clientId: 'c', path: '/oauth2-token/authorize' }),
      /^https:\/\/auth\.example\/oauth2-token\/authorize\?/,
    );
    assert.match(
      authorizeUrl({ issuer: 'https://example.com/auth/', clientId: 'c', path: '/admin/oauth2-token/authorize' }),
      /^https:\/\/example\.com\/auth\/admin\/oauth2-token\/authorize\?/,
    );
  });

  test('a path that is not one is a TypeError', () => {
    assert.throws(() => authorizeUrl({ issuer: ISSUER, clientId: 'c', path: '//evil.example/oauth2-token/authorize' as never }), TypeError);
    assert.throws(() => authorizeUrl({ issuer: ISSUER, clientId: 'c', path: 'oauth/authorize' as never }), TypeError);
    assert.throws(() => authorizeUrl({ issuer: ISSUER, clientId: '' }), TypeError);
  });
});

describe('PKCE and state', () => {
  test('a code verifier: 64 characters of the RFC 7636 alphabet by default, 43 to 128 on request, fresh each time', () => {
    const alphabet = /^[A-Za-z0-9\-._~]+$/;
    const verifier = generateCodeVerifier();
    assert.equal(verifier.length, 64);
    assert.match(verifier, alphabet);
    assert.equal(generateCodeVerifier(43).length, 43);
    assert.equal(generateCodeVerifier(128).length, 128);
    assert.notEqual(generateCodeVerifier(), generateCodeVerifier());
    const many = Array.from({ length: 200 }, () => generateCodeVerifier(128)).join('');
    assert.match(many, alphabet);
    assert.equal(new Set(many).size, 66, 'all 66 characters of the alphabet are drawn');
  });

  test('a verifier shorter than 43 or longer than 128 characters is refused', () => {
    for (const length of [42, 129, 0, 50.5]) assert.throws(() => generateCodeVerifier(length), RangeError);
  });

  test('S256 (RFC 7636 Appendix B), and as Node computes it for fresh verifiers', async () => {
    assert.equal(await codeChallengeS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'), 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    for (let i = 0; i < 5; i++) {
      const verifier = generateCodeVerifier();
      assert.equal(await codeChallengeS256(verifier), createHash('sha256').update(verifier).digest('base64url'));
    }
  });

  test('a challenge of something that is not a verifier is a TypeError', async () => {
    await assert.rejects(codeChallengeS256('too-short'), TypeError);
    await assert.rejects(codeChallengeS256(`${'a'.repeat(43)} `), TypeError);
  });

  test('state: 43 base64url characters, fresh each time', () => {
    const state = generateState();
    assert.match(state, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(state, generateState());
  });
});
