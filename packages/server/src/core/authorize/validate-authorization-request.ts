import { OAuthError, UnsupportedResponseTypeError } from '../errors';
import type { ClientDirectory } from '../ports/client-directory';
import type { MarketDirectory } from '../ports/market-directory';
import { AuthorizationRedirectError, type AuthorizationRequest } from './authorization-request';
import type { AuthorizationSide } from './authorization-side';
import { checkClient } from './check-client';
import { checkPkce } from './check-pkce';
import { checkRedirectUri } from './check-redirect-uri';
import { checkScope } from './check-scope';

export type AuthorizationQuery = Readonly<Record<string, string | undefined>>;

/**
 * The checks of an authorization request, in the order RFC 6749 §4.1.2.1 and RFC 9700 §4.1 require:
 * first the client and the redirect URI (failures render a page and never redirect), then everything
 * else (failures redirect back with `error`, `state` and `iss`). All of it runs before sign-in.
 */
export async function validateAuthorizationRequest(
  query: AuthorizationQuery,
  side: AuthorizationSide,
  deps: { clients: ClientDirectory; markets: MarketDirectory; issuer: string; env: 'development' | 'production' | 'test' },
): Promise<AuthorizationRequest> {
  const client = await checkClient(query.client_id, side, deps.clients);
  const { redirectUri, sent } = checkRedirectUri(client, query.redirect_uri, deps.env);
  try {
    if (query.response_type !== undefined && query.response_type !== 'code') {
      throw new UnsupportedResponseTypeError('Only response_type=code is supported');
    }
    const codeChallenge = checkPkce(client, query.code_challenge, query.code_challenge_method);
    const scope = await checkScope(client, query.scope, deps.markets);
    return { client, side, redirectUri, redirectUriSent: sent, state: query.state, codeChallenge, scope };
  } catch (error) {
    if (error instanceof OAuthError)
      throw new AuthorizationRedirectError({ redirectUri, state: query.state }, error.code, error.description, deps.issuer);
    throw error;
  }
}
