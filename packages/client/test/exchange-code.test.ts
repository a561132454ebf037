import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ExchangeError, type ExchangeErrorCode, exchangeCode, UnexpectedResponseError } from '../src/index.js';
import { json, recordingFetch } from './support/recording-fetch.js';

const options = { issuer: 'https://auth.example', appId: 'app-1', code: 'the-code', clientSecret: 'app-secret', userAgent: 'MyApp/1.0' };

describe('exchangeCode', () => {
  test('GET {issuer}/oauth2/{appId}/exchange/{code} with X-Client-Secret and User-Agent; the envelope’s data is the API key', async () => {
    const { fetch, requests } = recordingFetch(() => json(200, { success: true, message: null, code: null, data: 'api.key.jwt' }));
    assert.equal(await exchangeCode({ ...options, fetch }), 'api.key.jwt');
    const [request] = requests;
    assert.equal(request?.url, 'https://auth.example/oauth2/app-1/exchange/the-code');
    assert.equal(request?.method, 'GET');
    assert.equal(request?.headers.get('x-client-secret'), 'app-secret');
    assert.equal(request?.headers.get('user-agent'), 'MyApp/1.0');
    assert.equal(request?.headers.get('x-code-verifier'), null);
    assert.equal(request?.headers.get('authorization'), null);
  });

  test('the PKCE verifier goes in X-Code-Verifier; path segments are percent-encoded', async () => {
    const { fetch, requests } = recordingFetch(() => json(200, { success: true, message: null, code: null, data: 'k' }));
    await exchangeCode({ ...options, appId: 'app/1', code: 'a b?c', codeVerifier: 'v'.repeat(43), fetch });
    assert.equal(requests[0]?.url, 'https://auth.example/oauth2/app%2F1/exchange/a%20b%3Fc');
    assert.equal(requests[0]?.headers.get('x-code-verifier'), 'v'.repeat(43));
  });

  test('every envelope code becomes an ExchangeError with that code and the status', async () => {
    const cases: [ExchangeErrorCode, number][] = [
      ['invalid_request', 400],
      ['app_not_found', 404],
      ['invalid_client_secret', 401],
      ['invalid_code', 400],
      ['code_expired', 400],
      ['too_many_requests', 429],
      ['server_error', 500],
    ];
    for (const [code, status] of cases) {
      const headers: Record<string, string> = code === 'too_many_requests' ? { 'retry-after': '42' } : {};
      const { fetch } = recordingFetch(() => json(status, { success: false, message: `because ${code}`, code, data: null }, headers));
      await assert.rejects(exchangeCode({ ...options, fetch }), (error: unknown) => {
        assert.ok(error instanceof ExchangeError, String(error));
        assert.equal(error.code, code);
        assert.equal(error.status, status);
        assert.equal(error.message, `because ${code}`);
        assert.equal(error.retryAfter, code === 'too_many_requests' ? 42 : undefined);
        return true;
      });
    }
  });

  test('no envelope, an unknown code, or success without data: UnexpectedResponseError', async () => {
    for (const response of [
      () => new Response('<h1>502</h1>', { status: 502 }),
      () => json(400, { success: false, message: 'x', code: 'brand_new', data: null }),
      () => json(200, { success: true, message: null, code: null, data: null }),
    ]) {
      const { fetch } = recordingFetch(response);
      await assert.rejects(exchangeCode({ ...options, fetch }), UnexpectedResponseError);
    }
  });

  test('a missing secret, code or User-Agent is a TypeError, before any request', async () => {
    const { fetch, requests } = recordingFetch();
    await assert.rejects(exchangeCode({ ...options, clientSecret: '', fetch }), TypeError);
    await assert.rejects(exchangeCode({ ...options, userAgent: '', fetch }), TypeError);
    await assert.rejects(exchangeCode({ ...options, code: '', fetch }), TypeError);
    assert.equal(requests.length, 0);
  });
});
