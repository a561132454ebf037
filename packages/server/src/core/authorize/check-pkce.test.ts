import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { InvalidRequestError } from '../errors/oauth-errors';
import type { OAuthClient } from '../model/client';
import { checkPkce } from './check-pkce';

const client = (confidential: boolean) => ({ confidential }) as OAuthClient;
const challenge = createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url');

test('RFC 7636: an S256 challenge is taken; none is fine for a confidential client only', () => {
  assert.equal(checkPkce(client(true), challenge, 'S256'), challenge);
  assert.equal(checkPkce(client(true), undefined, undefined), null);
  assert.throws(() => checkPkce(client(false), undefined, undefined), InvalidRequestError, 'a public client must use PKCE');
});

test('plain, a method without a challenge, or a malformed challenge is invalid_request', () => {
  assert.throws(() => checkPkce(client(true), challenge, 'plain'), InvalidRequestError);
  assert.throws(() => checkPkce(client(true), challenge, undefined), InvalidRequestError);
  assert.throws(() => checkPkce(client(true), undefined, 'S256'), InvalidRequestError);
  assert.throws(() => checkPkce(client(true), 'short', 'S256'), InvalidRequestError);
});
