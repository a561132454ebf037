import type { JWTPayload } from 'jose';
import { InvalidClientError } from '../errors';
import type { OAuthClient } from '../ports';
import { isApiKey } from './api-key-typ';
import { looksLikeJwt, type TokenServices } from './token-services';

const inactive = { active: false } as const;

/**
 * RFC 7662 for confidential clients (SPEC §3). Active only for the caller's own tokens, of its own
 * mode, that are unexpired and neither denylisted nor under a revoked grant. The answer says nothing
 * more about an inactive token (§2.2).
 */
export async function introspectToken(client: OAuthClient, token: string, services: TokenServices): Promise<Record<string, unknown>> {
  if (!client.confidential) throw new InvalidClientError('Introspection is for confidential clients');
  const now = services.clock.now();
  if (looksLikeJwt(token) && isApiKey(token)) {
    let claims: JWTPayload;
    try {
      claims = await services.verifier.verifyApiKey(token);
    } catch {
      return inactive;
    }
    if (claims.client_id !== client.clientId || (claims.test === true) !== (client.mode === 'test')) return inactive;
    // An API key has no exp: it is active exactly as long as its grant is not revoked (SPEC §4).
    const grant = await services.grants.findGrant(claims.grant_id as string);
    if (!grant || grant.revokedAt !== null) return inactive;
    return { active: true, token_type: 'api_key', ...claims };
  }
  if (looksLikeJwt(token)) {
    let claims: JWTPayload;
    try {
      claims = await services.verifier.verify(token);
    } catch {
      return inactive;
    }
    if (claims.client_id !== client.clientId || (claims.test === true) !== (client.mode === 'test')) return inactive;
    if (await services.grants.isAccessTokenRevoked(claims.jti as string)) return inactive;
    if (typeof claims.grant_id === 'string' && !(await grantIsLive(claims.grant_id, services, now))) return inactive;
    return { active: true, token_type: 'Bearer', ...claims };
  }
  const refresh = await services.grants.findRefreshToken(services.hasher.hash(token));
  if (
    !refresh ||
    refresh.clientId !== client.clientId ||
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

async function grantIsLive(grantId: string, services: TokenServices, now: number): Promise<boolean> {
  const grant = await services.grants.findGrant(grantId);
  return grant !== undefined && grant.revokedAt === null && grant.expiresAt > now;
}
