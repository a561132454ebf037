import { type CountersignClaims, createGuard, type Guard } from '@countersign/client';
import type { AppDependencies } from '../compose-dependencies';

/**
 * The SDK's guard as the reference API uses it (SPEC §6): it checks tokens the way a customer's service
 * would, through the SDK, but reads the JWKS and the revocation state in process instead of over HTTP
 * and the change channel. A token is revoked when its `jti` is denylisted or its grant is revoked or gone.
 */
export function referenceApiGuard(deps: AppDependencies): Guard {
  const grants = deps.grants.grants;
  return createGuard({
    issuer: deps.config.issuer,
    jwks: () => JSON.parse(deps.keyRing.jwksJson()),
    now: () => deps.clock.now(),
    // Apps' API keys (SPEC §4) are safe to take here: revocation is read in process, never stale.
    apiKeys: true,
    isRevoked: async (claims: CountersignClaims) => {
      if (await grants.isAccessTokenRevoked(claims.jti)) return true;
      if (claims.grant_id === undefined) return false;
      const grant = await grants.findGrant(claims.grant_id);
      return grant === undefined || grant.revokedAt !== null;
    },
  });
}
