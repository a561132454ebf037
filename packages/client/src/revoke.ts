import { authenticateClient, type ClientOptions } from './client-options.js';
import { issuerEndpoint, REVOCATION_PATH } from './issuer-endpoint.js';
import { oauthErrorFromResponse } from './oauth-error-from-response.js';
import type { RequestOptions } from './request-options.js';
import { sendRequest } from './send-request.js';

/**
 * Options of `revoke`: the client the token was issued to, an optional hint, and the request options.
 *
 * @example
 * const options: RevokeOptions = { issuer, clientId: salesChannelId, tokenTypeHint: 'refresh_token' };
 * await revoke(refreshToken, options);
 */
export interface RevokeOptions extends ClientOptions, RequestOptions {
  /** RFC 7009 §2.1: only a hint; Countersign tries both kinds anyway. */
  readonly tokenTypeHint?: 'access_token' | 'refresh_token';
}

/**
 * Revokes a token at `${issuer}/oauth/revoke` (RFC 7009). An access token is revoked by its `jti`;
 * a refresh token or an app's API key revokes its whole grant, and with it every token issued under
 * it (SPEC §3). Resolves once the server answered 200, which it also does for a token that is
 * unknown, malformed or already dead (RFC 7009 §2.2), so it is safe to retry.
 *
 * @throws {OAuthResponseError} `unauthorized_client` (403) for a token issued to another client
 *   (nothing is revoked), `invalid_client` for a wrong secret, or another RFC 7009 error.
 * @throws {NetworkError} no answer, or none within `timeout`.
 *
 * @example
 * import { revoke } from '@countersign/client';
 *
 * // Signing a shopper out: their refresh token ends the grant, and every access token with it.
 * await revoke(session.refreshToken, { issuer: 'https://auth.example', clientId: salesChannelId });
 */
export async function revoke(token: string, options: RevokeOptions): Promise<void> {
  if (typeof token !== 'string' || token === '') throw new TypeError('token is required');
  const url = issuerEndpoint(options.issuer, REVOCATION_PATH);
  const body = new URLSearchParams({ token });
  if (options.tokenTypeHint) body.set('token_type_hint', options.tokenTypeHint);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  authenticateClient(options, headers, body);
  const response = await sendRequest(url, { method: 'POST', headers, body: body.toString() }, options);
  if (response.status !== 200) throw oauthErrorFromResponse(response, 'revocation endpoint');
}
