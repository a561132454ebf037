import { UnsupportedResponseTypeError } from '../errors/oauth-errors';
import type { ClientDirectory } from '../ports/client-directory';
import type { MarketDirectory } from '../ports/market-directory';
import type { AuthorizationRequest, AuthorizationTarget } from './authorization-request';
import type { AuthorizationSide } from './authorization-side';
import { checkClient } from './check-client';
import { checkPkce } from './check-pkce';
import { checkRedirectUri } from './check-redirect-uri';
import { checkScope } from './check-scope';

export type AuthorizationQuery = Readonly<Record<string, string | undefined>>;

/**
 * The first checks of an authorization request, in the order RFC 6749 §4.1.2.1 and RFC 9700 §4.1
 * require: the client, then its redirect URI. A failure here must never redirect (AuthorizationPageError).
 */
export async function resolveAuthorizationTarget(
  query: AuthorizationQuery,
  side: AuthorizationSide,
  deps: { clients: ClientDirectory; env: 'development' | 'production' | 'test' },
): Promise<AuthorizationTarget> {
  const client = await checkClient(query.client_id, side, deps.clients);
  const { redirectUri, sent } = checkRedirectUri(client, query.redirect_uri, deps.env);
  return { client, side, redirectUri, redirectUriSent: sent, state: query.state };
}

/**
 * The rest of the checks, once the target is known good: response type, PKCE, scope. Their errors are
 * reported to the client by redirecting back with `error`, `state` and `iss`. All of it runs before
 * sign-in.
 */
export async function validateAuthorizationRequest(
  target: AuthorizationTarget,
  query: AuthorizationQuery,
  deps: { markets: MarketDirectory },
): Promise<AuthorizationRequest> {
  if (query.response_type !== undefined && query.response_type !== 'code') {
    throw new UnsupportedResponseTypeError('Only response_type=code is supported');
  }
  const codeChallenge = checkPkce(target.client, query.code_challenge, query.code_challenge_method);
  const scope = await checkScope(target.client, query.scope, deps.markets);
  return { ...target, codeChallenge, scope };
}
