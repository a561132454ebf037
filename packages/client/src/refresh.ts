import type { ClientOptions } from './client-options.js';
import type { RequestOptions } from './request-options.js';
import { requestTokens } from './request-tokens.js';
import { type Scope, scopeString } from './scope.js';
import type { TokenSet } from './token-set.js';

/**
 * Options of `refresh`: the client that got the refresh token, and the request options.
 *
 * @example
 * const options: RefreshOptions = { issuer, clientId: webappId, clientSecret: webappSecret, timeout: 5000 };
 * const next = await refresh(refreshToken, options);
 */
export interface RefreshOptions extends ClientOptions, RequestOptions {
  /** Narrows the new access token; left out, the grant's whole scope (SPEC §3). Never widens it. */
  readonly scope?: Scope;
}

/**
 * Trades a refresh token for a new access token and a new refresh token (RFC 6749 §6): the same as
 * `authenticate('refresh_token', { refreshToken, ... })`. Refresh tokens rotate on every use: keep
 * the new one and forget the old, since presenting a rotated token again revokes the whole grant
 * (SPEC §3). A refresh token is bound to the client it was issued to.
 *
 * @throws {OAuthResponseError} `invalid_grant` when the refresh token is unknown, rotated, expired
 *   or its grant revoked (the person must authorize again), or any other token-endpoint error.
 * @throws {NetworkError} no answer, or none within `timeout`.
 *
 * @example
 * import { refresh } from '@countersign/client';
 *
 * const next = await refresh(session.refreshToken, { issuer: 'https://auth.example', clientId: salesChannelId });
 * session = { accessToken: next.accessToken, refreshToken: next.refreshToken! };
 */
export function refresh(refreshToken: string, options: RefreshOptions): Promise<TokenSet> {
  if (typeof refreshToken !== 'string' || refreshToken === '') return Promise.reject(new TypeError('refreshToken is required'));
  return requestTokens({ grant_type: 'refresh_token', refresh_token: refreshToken, scope: scopeString(options.scope) }, options);
}
