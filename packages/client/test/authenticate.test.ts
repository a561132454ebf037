import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  authenticate,
  type CountersignClientError,
  isCountersignClientError,
  NetworkError,
  OAuthResponseError,
  UnexpectedResponseError,
} from '../src/index.js';
import { hangingFetch, json, recordingFetch, tokenBody } from './support/recording-fetch.js';

const ISSUER = 'https://auth.example';
const basicCredentials = (header: string | null) => atob((header ?? '').replace(/^Basic /, ''));

describe('authenticate: request shapes', () => {
  test('client_credentials, confidential: a form POST to {issuer}/oauth/token with HTTP Basic and nothing secret in the body', async () => {
    const { fetch, requests } = recordingFetch(() => json(200, tokenBody()));
    await authenticate('client_credentials', { issuer: ISSUER, clientId: 'integration-1', clientSecret: 's3cret', fetch });
    assert.equal(requests.length, 1);
    const [request] = requests;
    assert.equal(request?.url, 'https://auth.example/oauth/token');
    assert.equal(request?.method, 'POST');
    assert.equal(request?.headers.get('content-type'), 'application/x-www-form-urlencoded');
    assert.equal(basicCredentials(request?.headers.get('authorization') ?? null), 'integration-1:s3cret');
    assert.deepEqual([...(request?.form ?? [])], [['grant_type', 'client_credentials']]);
    assert.equal(request?.init.redirect, 'manual', 'an OAuth endpoint is never followed elsewhere with credentials');
  });

  test('RFC 6749 §2.3.1: id and secret are form-urlencoded before base64', async () => {
    const { fetch, requests } = recordingFetch(() => json(200, tokenBody()));
    await authenticate('client_credentials', { issuer: ISSUER, clientId: 'a:b é', clientSecret: "p+q/r=s% t!'", fetch });
    assert.equal(basicCredentials(requests[0]?.headers.get('authorization') ?? null), 'a%3Ab+%C3%A9:p%2Bq%2Fr%3Ds%25+t%21%27');
  });

  test('a public client sends its client_id in the body and no Authorization header; a scope list is joined by spaces', async () => {
    const { fetch, requests } = recordingFetch(() => json(200, tokenBody()));
    await authenticate('client_credentials', { issuer: ISSUER, clientId: 'sales-1', scope: ['market:code:eu', ' stores.view '], fetch });
    assert.equal(requests[0]?.headers.get('authorization'), null);
    assert.equal(requests[0]?.form.get('client_id'), 'sales-1');
    assert.equal(requests[0]?.form.get('scope'), 'market:code:eu stores.view');
    assert.equal(requests[0]?.form.has('client_secret'), false);
  });

  test('an empty scope is no scope: the server’s default applies', async () => {
    const { fetch, requests } = recordingFetch(() => json(200, tokenBody()));
    await authenticate('client_credentials', { issuer: ISSUER, clientId: 'sales-1', scope: [], fetch });
    await authenticate('client_credentials', { issuer: ISSUER, clientId: 'sales-1', scope: '  ', fetch });
    assert.ok(requests.every((r) => !r.form.has('scope')));
  });

  test('each grant’s own fields, in snake_case', async () => {
    const { fetch, requests } = recordingFetch(() => json(200, tokenBody()));
    const client = { issuer: ISSUER, clientId: 'c', fetch };
    await authenticate('password', { ...client, username: 'shopper@example.com', password: 'pa ss' });
    await authenticate('authorization_code', {
      ...client,
      code: 'the-code',
      redirectUri: 'https://app.example/cb',
      codeVerifier: 'v'.repeat(43),
    });
    await authenticate('authorization_code', { ...client, code: 'other-code' });
    await authenticate('refresh_token', { ...client, refreshToken: 'rt-1' });
    await authenticate('urn:ietf:params:oauth:grant-type:jwt-bearer', { ...client, assertion: 'a.b.c' });
    await authenticate('jwt_bearer', { ...client, assertion: 'd.e.f' });
    const forms = requests.map((r) => Object.fromEntries(r.form));
    assert.deepEqual(forms, [
      { grant_type: 'password', username: 'shopper@example.com', password: 'pa ss', client_id: 'c' },
      {
        grant_type: 'authorization_code',
        code: 'the-code',
        redirect_uri: 'https://app.example/cb',
        code_verifier: 'v'.repeat(43),
        client_id: 'c',
      },
      { grant_type: 'authorization_code', code: 'other-code', client_id: 'c' },
      { grant_type: 'refresh_token', refresh_token: 'rt-1', client_id: 'c' },
      { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: 'a.b.c', client_id: 'c' },
      { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: 'd.e.f', client_id: 'c' },
    ]);
  });

  test('an issuer with a path prefix or a trailing slash', async () => {
    const { fetch, requests } = recordingFetch(() => json(200, tokenBody()));
    await authenticate('client_credentials', { issuer: 'https://example.com/auth/', clientId: 'c', fetch });
    assert.equal(requests[0]?.url, 'https://example.com/auth/oauth/token');
  });

  test('misuse is a TypeError before any request: a missing grant field, a missing client id, an issuer that is no URL', async () => {
    const { fetch, requests } = recordingFetch(() => json(200, tokenBody()));
    await assert.rejects(authenticate('password', { issuer: ISSUER, clientId: 'c', username: 'u', password: '', fetch }), TypeError);
    await assert.rejects(authenticate('refresh_token', { issuer: ISSUER, clientId: 'c', fetch } as never), TypeError);
    await assert.rejects(authenticate('client_credentials', { issuer: ISSUER, clientId: '', fetch }), TypeError);
    await assert.rejects(authenticate('client_credentials', { issuer: 'auth.example', clientId: 'c', fetch }), TypeError);
    await assert.rejects(authenticate('client_credentials', { issuer: 'https://auth.example?x=1', clientId: 'c', fetch }), TypeError);
    assert.equal(requests.length, 0);
  });
});

describe('authenticate: the answer', () => {
  test('camelCase like @commercelayer/js-auth, with expires = created_at + expires_in', async () => {
    const { fetch } = recordingFetch(() =>
      json(200, tokenBody({ refresh_token: 'rt-2', owner_id: 'cus-1', owner_type: 'customer', scope: 'market:code:eu' })),
    );
    const tokens = await authenticate('password', { issuer: ISSUER, clientId: 'c', username: 'u', password: 'p', fetch });
    assert.deepEqual(tokens, {
      accessToken: 'at-1',
      tokenType: 'Bearer',
      expiresIn: 7200,
      expires: new Date((1_800_000_000 + 7200) * 1000),
      scope: 'market:code:eu',
      createdAt: 1_800_000_000,
      refreshToken: 'rt-2',
      ownerId: 'cus-1',
      ownerType: 'customer',
    });
  });

  test('a guest token has no refresh token and no owner', async () => {
    const { fetch } = recordingFetch(() => json(200, tokenBody()));
    const tokens = await authenticate('client_credentials', { issuer: ISSUER, clientId: 'c', fetch });
    assert.equal('refreshToken' in tokens, false);
    assert.equal('ownerId' in tokens, false);
  });
});

describe('authenticate: errors', () => {
  const refused = async (response: () => Response, check: (error: CountersignClientError) => void) => {
    const { fetch } = recordingFetch(response);
    await assert.rejects(
      authenticate('client_credentials', { issuer: ISSUER, clientId: 'c', clientSecret: 's', fetch }),
      (error: unknown) => {
        assert.ok(isCountersignClientError(error), String(error));
        check(error);
        return true;
      },
    );
  };

  test('RFC 6749 §5.2: code is the RFC error, with status and description', async () => {
    await refused(
      () => json(400, { error: 'invalid_grant', error_description: 'The code was already used', errors: [] }),
      (error) => {
        assert.ok(error instanceof OAuthResponseError);
        assert.equal(error.code, 'invalid_grant');
        assert.equal(error.status, 400);
        assert.equal(error.description, 'The code was already used');
        assert.equal(error.retryAfter, undefined);
      },
    );
    await refused(
      () => json(401, { error: 'invalid_client', error_description: 'Client authentication failed' }, { 'www-authenticate': 'Basic' }),
      (error) => assert.ok(error instanceof OAuthResponseError && error.code === 'invalid_client' && error.status === 401),
    );
    await refused(
      () => json(400, { error: 'unsupported_grant_type' }),
      (error) =>
        assert.ok(error instanceof OAuthResponseError && error.code === 'unsupported_grant_type' && error.description === undefined),
    );
  });

  test('429: too_many_requests with retryAfter from Retry-After, in seconds or as an HTTP date', async () => {
    await refused(
      () => json(429, { error: 'too_many_requests', error_description: 'slow down' }, { 'retry-after': '7' }),
      (error) => assert.ok(error instanceof OAuthResponseError && error.code === 'too_many_requests' && error.retryAfter === 7),
    );
    await refused(
      () => json(429, { error: 'too_many_requests' }, { 'retry-after': new Date(Date.now() + 3_600_000).toUTCString() }),
      (error) => assert.ok(error instanceof OAuthResponseError && error.retryAfter !== undefined && error.retryAfter > 60),
    );
  });

  test('an answer that is no OAuth error or no token response: UnexpectedResponseError, without the body', async () => {
    await refused(
      () => new Response('<html>Bad gateway</html>', { status: 502, headers: { 'content-type': 'text/html' } }),
      (error) => assert.ok(error instanceof UnexpectedResponseError && error.code === 'unexpected_response' && error.status === 502),
    );
    await refused(
      () => json(200, { access_token: 'secret-token-value' }),
      (error) => {
        assert.ok(error instanceof UnexpectedResponseError);
        assert.doesNotMatch(error.message, /secret-token-value/);
      },
    );
    await refused(
      () => json(400, { error: 'something_new' }),
      (error) => assert.ok(error instanceof UnexpectedResponseError && /something_new/.test(error.message)),
    );
    await refused(
      () => new Response(null, { status: 302, headers: { location: 'https://elsewhere.example' } }),
      (error) => assert.ok(error instanceof UnexpectedResponseError && error.status === 302),
    );
  });

  test('no answer: NetworkError failed; no answer in time: NetworkError timeout', async () => {
    const failing = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    await assert.rejects(
      authenticate('client_credentials', { issuer: ISSUER, clientId: 'c', fetch: failing }),
      (error: unknown) => error instanceof NetworkError && error.code === 'network_error' && error.reason === 'failed',
    );
    await assert.rejects(
      authenticate('client_credentials', { issuer: ISSUER, clientId: 'c', fetch: hangingFetch, timeout: 5 }),
      (error: unknown) => error instanceof NetworkError && error.reason === 'timeout',
    );
  });

  test('the caller’s own abort rejects with the signal’s reason, as fetch does', async () => {
    const controller = new AbortController();
    const reason = new Error('user navigated away');
    const pending = authenticate('client_credentials', { issuer: ISSUER, clientId: 'c', fetch: hangingFetch, signal: controller.signal });
    controller.abort(reason);
    await assert.rejects(pending, (error: unknown) => error === reason);
    await assert.rejects(
      authenticate('client_credentials', { issuer: ISSUER, clientId: 'c', fetch: hangingFetch, signal: AbortSignal.abort(reason) }),
      (error: unknown) => error === reason,
    );
  });

  test('a grant the SDK does not know goes to the server, which judges it', async () => {
    const { fetch, requests } = recordingFetch(() => json(400, { error: 'unsupported_grant_type' }));
    await assert.rejects(
      (authenticate as (grant: string, options: object) => Promise<unknown>)('implicit', { issuer: ISSUER, clientId: 'c', fetch }),
      (error: unknown) => error instanceof OAuthResponseError && error.code === 'unsupported_grant_type',
    );
    assert.equal(requests[0]?.form.get('grant_type'), 'implicit');
  });
});

describe('CountersignClientError', () => {
  test('a switch on code narrows to each class', () => {
    const explain = (error: CountersignClientError): string => {
      switch (error.code) {
        case 'network_error':
          return `network ${error.reason}`;
        case 'invalid_token':
          return `token ${error.reason}`;
        case 'forbidden':
          return `forbidden ${error.missingScopes.join(' ')}`;
        case 'app_not_found':
          return `exchange ${error.status}`;
        case 'invalid_grant':
          return `oauth ${error.description ?? ''}`;
        case 'too_many_requests':
          return `wait ${error.retryAfter ?? 0}`;
        default:
          return error.code;
      }
    };
    assert.equal(explain(new NetworkError('timeout', 'slow')), 'network timeout');
    assert.equal(explain(new OAuthResponseError('too_many_requests', { status: 429, retryAfter: 3 })), 'wait 3');
    assert.equal(explain(new OAuthResponseError('invalid_grant', { status: 400, description: 'used' })), 'oauth used');
    assert.equal(isCountersignClientError(new Error('x')), false);
  });
});
