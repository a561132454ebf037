import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuthorizationPageError } from '../errors/authorization-page-error';
import type { OAuthClient } from '../model/client';
import { checkRedirectUri } from './check-redirect-uri';

const client = (redirectUris: string[]) => ({ redirectUris }) as unknown as OAuthClient;

test('RFC 9700 §4.1.3: exact string comparison, no leniency', () => {
  const one = client(['https://app.example/cb']);
  assert.deepEqual(checkRedirectUri(one, 'https://app.example/cb', 'development'), { redirectUri: 'https://app.example/cb', sent: true });
  for (const near of ['https://app.example/cb/', 'https://APP.example/cb', 'https://app.example/cb?x=1', 'https://app.example/cb#f']) {
    assert.throws(() => checkRedirectUri(one, near, 'development'), AuthorizationPageError, near);
  }
});

test('omitted only when exactly one is registered', () => {
  assert.deepEqual(checkRedirectUri(client(['https://a.example/cb']), undefined, 'development'), {
    redirectUri: 'https://a.example/cb',
    sent: false,
  });
  assert.throws(
    () => checkRedirectUri(client(['https://a.example/1', 'https://a.example/2']), undefined, 'development'),
    AuthorizationPageError,
  );
});

test('RFC 8252 §7.3: on a loopback host only the port may differ', () => {
  const native = client(['http://127.0.0.1:8080/cb']);
  assert.equal(checkRedirectUri(native, 'http://127.0.0.1:51000/cb', 'development').redirectUri, 'http://127.0.0.1:51000/cb');
  assert.throws(() => checkRedirectUri(native, 'http://127.0.0.1:51000/other', 'development'), AuthorizationPageError);
});

test('production: an http URI registered before the switch is refused when used, loopback aside', () => {
  assert.throws(() => checkRedirectUri(client(['http://app.example/cb']), undefined, 'production'), AuthorizationPageError);
  assert.equal(checkRedirectUri(client(['http://localhost:3000/cb']), undefined, 'production').redirectUri, 'http://localhost:3000/cb');
});
