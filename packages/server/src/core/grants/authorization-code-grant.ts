import { InvalidGrantError, InvalidRequestError } from '../errors/oauth-errors';
import type { OAuthClient } from '../model/client';
import { parseScope } from '../scopes/parse-scope';
import { type ResolvedScope, resolveScope } from '../scopes/resolve-scope';
import type { GrantServices } from './grant-services';
import type { OwnerTokenDeps } from './issue-owner-tokens';
import { ownerAccessToken } from './issue-owner-tokens';
import type { RedeemCodeDeps } from './redeem-code';
import { CodeRedemptionError, redeemCode } from './redeem-code';
import type { TokenParams, TokenResponse } from './token-response';

/** What the authorization_code grant touches. */
export type AuthorizationCodeDeps = RedeemCodeDeps & OwnerTokenDeps & Pick<GrantServices, 'markets'>;

/**
 * RFC 6749 §4.1.3 with PKCE (RFC 7636) for sales channels (shoppers, `aud: storefront`), webapps and
 * apps (staff, `aud: backoffice`; apps with the stores chosen at consent). Every refusal of the code
 * is `invalid_grant`; a replayed code also revokes what its first use issued.
 */
export async function authorizationCodeGrant(
  client: OAuthClient,
  params: TokenParams,
  services: AuthorizationCodeDeps,
): Promise<TokenResponse> {
  if (!params.code) throw new InvalidRequestError('code is required');
  let redeemed: Awaited<ReturnType<typeof redeemCode>>;
  try {
    redeemed = await redeemCode(
      client,
      params.code,
      { verifier: params.code_verifier, redirectUri: params.redirect_uri, checkRedirectUri: true },
      services,
    );
  } catch (error) {
    if (error instanceof CodeRedemptionError) throw new InvalidGrantError(`The authorization code is invalid: ${error.message}`);
    throw error;
  }
  const { grant, stores, refreshToken, context } = redeemed;
  const owner = grant.owner!;
  const parsed = parseScope(grant.scope);
  // A store credential's scope is resolved against the context the redemption read to check the
  // person's entitlement (SPEC §2), at the same moment: read once, not twice.
  let resolved: ResolvedScope;
  if (client.kind === 'app') resolved = { permissions: parsed.permissions, scope: grant.scope, market: undefined };
  else if (context === undefined) throw new Error("a store credential's redemption reads the person's scope context");
  else resolved = await resolveScope(parsed, context, services.markets);
  const response = await ownerAccessToken(client, owner, resolved, grant.id, services, client.kind === 'app' ? { stores } : {});
  return refreshToken === undefined ? response : { ...response, refresh_token: refreshToken };
}
