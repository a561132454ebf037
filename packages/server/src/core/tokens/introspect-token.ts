import type { JWTPayload } from 'jose';
import { InvalidClientError } from '../errors/oauth-errors';
import { isApiKey } from './api-key-typ';
import { type IntrospectionCaller, introspectedJwt, mayIntrospect } from './introspection-caller';
import { isTokenLive } from './token-liveness';
import { looksLikeJwt, type TokenServices } from './token-services';

const inactive = { active: false } as const;

/**
 * RFC 7662 for confidential clients and the admin token (SPEC §3). Active only for a token the caller
 * may see (introspection-caller.ts: its own, its store's with `tokens.introspect`, any for the admin
 * token) that is unexpired and live by the one set of liveness rules (token-liveness.ts). The answer
 * says nothing more about an inactive token (§2.2).
 */
export async function introspectToken(
  caller: IntrospectionCaller,
  token: string,
  services: TokenServices,
): Promise<Record<string, unknown>> {
  if (caller.kind === 'client' && !caller.client.confidential) throw new InvalidClientError('Introspection is for confidential clients');
  const now = services.clock.now();
  if (looksLikeJwt(token)) {
    let claims: JWTPayload;
    try {
      claims = await services.verifier.verifyAny(token);
    } catch {
      return inactive;
    }
    if (!mayIntrospect(caller, introspectedJwt(claims))) return inactive;
    if (!(await isTokenLive(claims, services))) return inactive;
    // An API key has no exp: it is active exactly as long as its grant is not revoked (SPEC §4).
    return { active: true, token_type: isApiKey(token) ? 'api_key' : 'Bearer', ...claims };
  }
  const refresh = await services.grants.findRefreshToken(services.hasher.hash(token));
  if (
    !refresh ||
    !mayIntrospect(caller, { clientId: refresh.clientId, mode: refresh.grant.mode, storeIds: refresh.grant.storeIds }) ||
    refresh.usedAt !== null ||
    refresh.expiresAt <= now ||
    refresh.grant.revokedAt !== null ||
    refresh.grant.expiresAt <= now
  ) {
    return inactive;
  }
  return {
    active: true,
    token_type: 'refresh_token',
    client_id: refresh.clientId,
    scope: refresh.grant.scope,
    iat: Math.floor(refresh.issuedAt / 1000),
    exp: Math.floor(refresh.expiresAt / 1000),
    ...(refresh.grant.owner ? { sub: refresh.grant.owner.id, owner: refresh.grant.owner } : {}),
    grant_id: refresh.grantId,
  };
}
