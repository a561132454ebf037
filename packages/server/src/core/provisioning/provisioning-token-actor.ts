import { InsufficientScopeError } from '../errors';
import type { GrantStore } from '../grants/grant-store';
import type { ClientDirectory } from '../ports';
import type { AccessTokenVerifier } from '../tokens/access-token-verifier';
import type { StoreActor } from './provisioning-actor';

/**
 * SPEC §5: besides the admin token, the provisioning API accepts an access token that carries the
 * `provisioning` permission scope, for the token's own store and mode. The token's client must still
 * exist (deleting a credential ends its provisioning access at once on this instance), and the token
 * must not have been revoked.
 * Returns null for a token that is not a store credential's (an app token, say).
 */
export function provisioningTokenActor(verifier: AccessTokenVerifier, clients: ClientDirectory, grants: GrantStore) {
  return async (token: string): Promise<StoreActor | null> => {
    const claims = await verifier.verify(token);
    const store = claims.store as { id?: unknown } | undefined;
    if (typeof store?.id !== 'string' || typeof claims.client_id !== 'string') return null;
    const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
    if (!scopes.includes('provisioning')) throw new InsufficientScopeError('The token lacks the provisioning scope');
    if (await grants.isAccessTokenRevoked(claims.jti as string)) return null;
    const client = await clients.findByClientId(claims.client_id);
    if (!client || client.store?.id !== store.id) return null;
    return { kind: 'store', storeId: store.id, mode: claims.test === true ? 'test' : 'live', clientId: claims.client_id };
  };
}
