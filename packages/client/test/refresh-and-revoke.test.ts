import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OAuthResponseError, refresh, revoke, UnexpectedResponseError } from '../src/index.js';
import { json, recordingFetch, tokenBody } from './support/recording-fetch.js';

const ISSUER = 'https://auth.example';

describe('refresh', () => {
  test('the refresh_token grant (RFC 6749 §6), scope optional, the new pair in the answer', async () => {
    const { fetch, requests } = recordingFetch(() => json(200, tokenBody({ refresh_token: 'rt-2', owner_id: 'u-1', owner_type: 'user' })));
    const tokens = await refresh('rt-1', { issuer: ISSUER, clientId: 'webapp-1', clientSecret: 's', scope: 'stores.view', fetch });
    assert.deepEqual(Object.fromEntries(requests[0]?.form ?? []), {
      grant_type: 'refresh_token',
      refresh_token: 'rt-1',
      scope: 'stores.view',
    });
    assert.match(requests[0]?.headers.get('authorization') ?? '', /^Basic /);
    assert.equal(tokens.refreshToken, 'rt-2');
    assert.equal(tokens.ownerType, 'user');
  });

  test('a dead refresh token: invalid_grant', async () => {
    const { fetch } = recordingFetch(() => json(400, { error: 'invalid_grant', error_description: 'The refresh token is not valid' }));
    await assert.rejects(
      refresh('rt-old', { issuer: ISSUER, clientId: 'sales-1', fetch }),
      (error: unknown) => error instanceof OAuthResponseError && error.code === 'invalid_grant',
    );
  });

  test('no refresh token: a TypeError, no request', async () => {
    const { fetch, requests } = recordingFetch();
    await assert.rejects(refresh('', { issuer: ISSUER, clientId: 'c', fetch }), TypeError);
    assert.equal(requests.length, 0);
  });
});

describe('revoke', () => {
  test('RFC 7009: a form POST to {issuer}/oauth/revoke with the token, the hint and the client; resolves on 200 {}', async () => {
    const { fetch, requests } = recordingFetch(() => json(200, {}));
    const result = await revoke('rt-1', { issuer: ISSUER, clientId: 'sales-1', tokenTypeHint: 'refresh_token', fetch });
    assert.equal(result, undefined);
    assert.equal(requests[0]?.url, 'https://auth.example/oauth/revoke');
    assert.equal(requests[0]?.method, 'POST');
    assert.deepEqual(Object.fromEntries(requests[0]?.form ?? []), {
      token: 'rt-1',
      token_type_hint: 'refresh_token',
      client_id: 'sales-1',
    });
  });

  test('a confidential client authenticates with Basic', async () => {
    const { fetch, requests } = recordingFetch(() => json(200, {}));
    await revoke('at-1', { issuer: ISSUER, clientId: 'integration-1', clientSecret: 's', fetch });
    assert.equal(atob((requests[0]?.headers.get('authorization') ?? '').slice(6)), 'integration-1:s');
    assert.deepEqual(Object.fromEntries(requests[0]?.form ?? []), { token: 'at-1' });
  });

  test('another client’s token: 403 unauthorized_client; a wrong secret: 401 invalid_client', async () => {
    const forbidden = recordingFetch(() => json(403, { error: 'unauthorized_client', error_description: 'not yours' }));
    await assert.rejects(
      revoke('at-1', { issuer: ISSUER, clientId: 'c', fetch: forbidden.fetch }),
      (error: unknown) => error instanceof OAuthResponseError && error.code === 'unauthorized_client' && error.status === 403,
    );
    const wrongSecret = recordingFetch(() => json(401, { error: 'invalid_client' }));
    await assert.rejects(
      revoke('at-1', { issuer: ISSUER, clientId: 'c', clientSecret: 'wrong', fetch: wrongSecret.fetch }),
      (error: unknown) => error instanceof OAuthResponseError && error.code === 'invalid_client' && error.status === 401,
    );
  });

  test('a 500 without an OAuth body is an UnexpectedResponseError', async () => {
    const { fetch } = recordingFetch(() => new Response('oops', { status: 500 }));
    await assert.rejects(revoke('at-1', { issuer: ISSUER, clientId: 'c', fetch }), UnexpectedResponseError);
  });
});
