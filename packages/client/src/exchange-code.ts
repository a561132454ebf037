import { ExchangeError, isExchangeErrorCode } from './exchange-error.js';
import { issuerEndpoint } from './issuer-endpoint.js';
import type { RequestOptions } from './request-options.js';
import { retryAfterSeconds } from './retry-after.js';
import { sendRequest } from './send-request.js';
import { UnexpectedResponseError } from './unexpected-response-error.js';

/**
 * What the app code exchange needs.
 *
 * @example
 * const options: ExchangeCodeOptions = { issuer, appId, code, clientSecret: appSecret, userAgent: 'MyApp/1.0' };
 * const apiKey = await exchangeCode(options);
 */
export interface ExchangeCodeOptions extends RequestOptions {
  /** The issuer as a plain URL, e.g. `https://auth.example`. */
  readonly issuer: string;
  /** The app's client id. */
  readonly appId: string;
  /** The `code` your redirect URI received: single use, valid for a minute. */
  readonly code: string;
  /** The app's secret (only confidential apps exchange codes; public apps use the token endpoint with PKCE). */
  readonly clientSecret: string;
  /** Names your application, e.g. `MyApp/1.0 (+https://myapp.example)`; required by the exchange. */
  readonly userAgent: string;
  /** The PKCE verifier, when the authorization request carried a `code_challenge`. */
  readonly codeVerifier?: string;
}

/**
 * The third-party app code exchange (SPEC §3, after Komerza's): `GET
 * ${issuer}/oauth2/{appId}/exchange/{code}` with `X-Client-Secret`, `User-Agent` and, for a PKCE
 * code, `X-Code-Verifier`. Resolves with the API key: a JWT (`typ: api-key+jwt`) for the stores the
 * merchant chose, valid until revoked (`revoke(apiKey, ...)` ends it). Server side only: the
 * exchange sends no CORS headers, and the secret must never reach a browser.
 *
 * @throws {ExchangeError} with the envelope's `code`: `invalid_request`, `app_not_found`,
 *   `invalid_client_secret`, `invalid_code`, `code_expired`, `too_many_requests` (`retryAfter`) or
 *   `server_error`.
 * @throws {NetworkError} no answer, or none within `timeout`.
 * @throws {UnexpectedResponseError} an answer that is not the exchange's envelope.
 *
 * @example
 * import { exchangeCode } from '@countersign/client';
 *
 * // In the handler of your redirect URI, after checking `state`:
 * const apiKey = await exchangeCode({
 *   issuer: 'https://auth.example',
 *   appId: process.env.APP_ID!,
 *   clientSecret: process.env.APP_SECRET!,
 *   code: url.searchParams.get('code')!,
 *   userAgent: 'MyApp/1.0',
 * });
 * await saveApiKey(merchantId, apiKey);
 */
export async function exchangeCode(options: ExchangeCodeOptions): Promise<string> {
  for (const name of ['appId', 'code', 'clientSecret', 'userAgent'] as const) {
    if (typeof options[name] !== 'string' || options[name] === '') throw new TypeError(`${name} is required`);
  }
  const url = issuerEndpoint(options.issuer, `/oauth2/${encodeURIComponent(options.appId)}/exchange/${encodeURIComponent(options.code)}`);
  const headers: Record<string, string> = {
    accept: 'application/json',
    'user-agent': options.userAgent,
    'x-client-secret': options.clientSecret,
  };
  if (options.codeVerifier) headers['x-code-verifier'] = options.codeVerifier;
  const response = await sendRequest(url, { method: 'GET', headers }, options);

  const envelope = (typeof response.json === 'object' && response.json !== null ? response.json : {}) as Record<string, unknown>;
  if (envelope.success === true && typeof envelope.data === 'string' && envelope.data !== '' && response.status === 200) {
    return envelope.data;
  }
  if (envelope.success === false && isExchangeErrorCode(envelope.code)) {
    const message =
      typeof envelope.message === 'string' && envelope.message !== '' ? envelope.message : `The exchange answered ${envelope.code}`;
    throw new ExchangeError(envelope.code, message, { status: response.status, retryAfter: retryAfterSeconds(response.headers) });
  }
  throw new UnexpectedResponseError(response.status, `The app exchange answered HTTP ${response.status} without its envelope`);
}
