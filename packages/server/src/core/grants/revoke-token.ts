import { UnauthorizedClientError } from '../errors/oauth-errors';
import { clientActor } from '../model/audit-actor';
import type { OAuthClient } from '../model/client';
import { isApiKey } from '../tokens/api-key-typ';
import { looksLikeJwt, type TokenServices } from '../tokens/token-services';
import { tokenStoreIds } from '../tokens/token-store-ids';
import { revokeGrant } from './revoke-grant';

const notYours = () => new UnauthorizedClientError('The token was not issued to this client', 403);

/**
 * RFC 7009 as SPEC §3 has it. An access token is denylisted by `jti` until it expires; a refresh
 * token or an API key (`typ: api-key+jwt`) revokes its grant, and with it every token carrying that
 * `grant_id`. A token issued to
 * another client is 403 `unauthorized_client` and nothing changes; an unknown, malformed or expired
 * token is answered 200 like a revoked one (RFC 7009 §2.2). `token_type_hint` is only a hint
 * (§2.1), so both kinds are tried.
 */
export async function revokeToken(client: OAuthClient, token: string, services: TokenServices): Promise<void> {
  const now = services.clock.now();
  if (looksLikeJwt(token) && isApiKey(token)) {
    let claims: Awaited<ReturnType<TokenServices['verifier']['verifyApiKey']>>;
    try {
      claims = await services.verifier.verifyApiKey(token);
    } catch {
      return; // not ours, or signed by a key dropped since: nothing left to revoke
    }
    if (claims.client_id !== client.clientId) throw notYours();
    // An API key has no exp; revoking it revokes its grant (SPEC §3).
    await revokeGrant(services.grants, services.changes, claims.grant_id as string, {
      reason: 'revoked_by_client',
      actor: clientActor(client.clientId),
      at: now,
    });
    return;
  }
  if (looksLikeJwt(token)) {
    let claims: Awaited<ReturnType<TokenServices['verifier']['verify']>>;
    try {
      claims = await services.verifier.verify(token);
    } catch {
      return; // not ours, or already expired: nothing left to revoke
    }
    if (claims.client_id !== client.clientId) throw notYours();
    await services.grants.revokeAccessToken({
      jti: claims.jti as string,
      grantId: typeof claims.grant_id === 'string' ? claims.grant_id : null,
      expiresAt: (claims.exp as number) * 1000,
      storeIds: tokenStoreIds(claims),
      mode: claims.test === true ? 'test' : 'live',
      actor: clientActor(client.clientId),
      at: now,
    });
    services.changes.publish({ collection: 'access_tokens', id: claims.jti as string, exp: claims.exp as number });
    return;
  }
  const refresh = await services.grants.findRefreshToken(services.hasher.hash(token));
  if (!refresh) return;
  if (refresh.clientId !== client.clientId) throw notYours();
  await revokeGrant(services.grants, services.changes, refresh.grantId, {
    reason: 'revoked_by_client',
    actor: clientActor(client.clientId),
    at: now,
  });
}
