import { InsufficientScopeError } from '../errors/oauth-errors';
import type { AccessTokenVerifier } from '../tokens/access-token-verifier';
import { isTokenLive, type LivenessSources } from '../tokens/token-liveness';
import type { StoreActor } from './provisioning-actor';

/**
 * SPEC §5: besides the admin token, the provisioning API accepts an access token that carries the
 * `provisioning` permission scope, for the token's own store and mode, if it is live by the rules
 * every verifier applies (token-liveness.ts: not revoked, its grant not revoked, its client still
 * there). A storefront token never provisions (SPEC §2: `provisioning` is never held by a public
 * client), whatever scope it carries.
 * Returns null for a token that is not a live store credential's (an app token, say).
 */
export function provisioningTokenActor(verifier: AccessTokenVerifier, sources: LivenessSources) {
  return async (token: string): Promise<StoreActor | null> => {
    const claims = await verifier.verify(token);
    const store = claims.store as { id?: unknown } | undefined;
    if (typeof store?.id !== 'string' || typeof claims.client_id !== 'string') return null;
    const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
    if (!scopes.includes('provisioning')) throw new InsufficientScopeError('The token lacks the provisioning scope');
    if (claims.aud !== 'backoffice') throw new InsufficientScopeError('A storefront token may not use the provisioning API');
    if (!(await isTokenLive(claims, sources))) return null;
    const owner = claims.owner as { type?: unknown; id?: unknown } | undefined;
    return {
      kind: 'store',
      storeId: store.id,
      mode: claims.test === true ? 'test' : 'live',
      clientId: claims.client_id,
      ownerUserId: owner?.type === 'user' && typeof owner.id === 'string' ? owner.id : null,
    };
  };
}
