import { type CountersignClaims, createGuard, type Guard } from '@countersign/client';
import type { JWTPayload } from 'jose';
import type { Clock } from '../core/ports/clock';
import { isTokenLive, type LivenessSources } from '../core/tokens/token-liveness';

/**
 * The SDK's guard as the reference API uses it (SPEC §6): it checks tokens the way a customer's service
 * would, through the SDK, but reads the JWKS and the revocation state in process instead of over HTTP
 * and the change channel. A token is revoked when it is not live (core/tokens/token-liveness.ts).
 */
export function referenceApiGuard(options: { issuer: string; jwksJson: () => string; clock: Clock; liveness: LivenessSources }): Guard {
  return createGuard({
    issuer: options.issuer,
    jwks: () => JSON.parse(options.jwksJson()),
    now: () => options.clock.now(),
    // Apps' API keys (SPEC §4) are safe to take here: revocation is read in process, never stale.
    apiKeys: true,
    // SPEC §1: the same liveness rules as every other verifier of our tokens (jti, grant, client).
    isRevoked: async (claims: CountersignClaims) => !(await isTokenLive(claims as unknown as JWTPayload, options.liveness)),
  });
}
