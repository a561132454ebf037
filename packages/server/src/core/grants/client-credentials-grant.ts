import type { OAuthClient } from '../model/client';
import { parseScope } from '../scopes/parse-scope';
import { resolveScope } from '../scopes/resolve-scope';
import { accessTokenLifetime } from '../tokens/token-lifetime';
import type { GrantServices } from './grant-services';
import { type TokenParams, type TokenResponse, tokenResponse } from './token-response';

/** What the client_credentials grant touches. */
export type ClientCredentialsDeps = Pick<GrantServices, 'issuer' | 'markets' | 'accessTokens'>;

/**
 * RFC 6749 §4.4 for integrations and guest sales channels: the token acts for the client itself
 * (`sub` = client id), in the credential's store and mode. A sales-channel (guest) token needs a
 * public market in scope (SPEC §2). No refresh token (RFC 6749 §4.4.3).
 */
export async function clientCredentialsGrant(
  client: OAuthClient,
  params: TokenParams,
  services: ClientCredentialsDeps,
): Promise<TokenResponse> {
  const store = client.store;
  if (!store) throw new Error('client_credentials reached a client without a store');
  const resolved = await resolveScope(
    parseScope(params.scope),
    {
      storeId: store.id,
      mode: client.mode,
      allowed: client.scopes,
      marketRequired: client.kind === 'sales_channel',
      shopperGroupId: client.kind === 'sales_channel' ? null : undefined,
    },
    services.markets,
  );
  const issued = await services.accessTokens.issue(
    { issuer: services.issuer, client, mode: client.mode, scope: resolved.scope, store, market: resolved.market },
    accessTokenLifetime(client.kind, client.expiresIn),
  );
  return tokenResponse(issued, resolved.scope);
}
