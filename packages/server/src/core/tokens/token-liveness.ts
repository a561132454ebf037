import type { JWTPayload } from 'jose';
import type { Grant } from '../model/grant';
import type { ClientDirectory } from '../ports/client-directory';
import type { Clock } from '../ports/clock';
import { tokenStoreIds } from './token-store-ids';

/** What liveness is read from: the denylist, the grants and the clients, all as this instance sees them now. */
export interface LivenessSources {
  readonly grants: {
    isAccessTokenRevoked(jti: string): Promise<boolean>;
    findGrant(id: string): Promise<Grant | undefined>;
  };
  readonly clients: ClientDirectory;
  readonly clock: Clock;
}

/** Why a verified token is not live, for logs and tests; the wire answer is the same for all of them. */
export type DeadTokenReason = 'jti_revoked' | 'grant_revoked' | 'grant_expired' | 'client_gone' | 'client_compromised';

/**
 * SPEC §1: every verifier of our tokens (introspection, the provisioning API, the reference API's
 * guard) applies the same liveness rules, here and nowhere else. Given the claims of a token whose
 * signature, `typ`, issuer and expiry already verified, it is dead when
 * - its `jti` was revoked (RFC 7009);
 * - its grant is gone, revoked, or (for an access token) past its maximum age: revoking a grant
 *   revokes every token issued under it (SPEC §1);
 * - its client is gone (a deleted credential or app ends even the tokens it obtained without a
 *   grant: client_credentials, guest), is no longer the client the token names (same store, mode and
 *   record), or had its secret rotated as compromised after the token was issued.
 * Returns null for a live token, or why it is dead.
 */
export async function tokenDeadReason(claims: JWTPayload, sources: LivenessSources): Promise<DeadTokenReason | null> {
  const jti = claims.jti;
  if (typeof jti !== 'string' || (await sources.grants.isAccessTokenRevoked(jti))) return 'jti_revoked';

  const grantId = claims.grant_id;
  if (grantId !== undefined) {
    if (typeof grantId !== 'string') return 'grant_revoked';
    const grant = await sources.grants.findGrant(grantId);
    if (!grant || grant.revokedAt !== null) return 'grant_revoked';
    // An API key has no exp and lives as long as its grant is not revoked (SPEC §4).
    if (claims.exp !== undefined && grant.expiresAt <= sources.clock.now()) return 'grant_expired';
  }

  const clientId = claims.client_id;
  const client = typeof clientId === 'string' ? await sources.clients.findByClientId(clientId) : undefined;
  const application = claims.application as { id?: unknown } | undefined;
  if (!client || client.id !== application?.id || client.mode !== (claims.test === true ? 'test' : 'live')) return 'client_gone';
  if (client.store && !tokenStoreIds(claims).includes(client.store.id)) return 'client_gone';
  // iat is in whole seconds: a token from the very second of the rotation counts as older (fail closed).
  if (client.tokensInvalidBefore !== null && (typeof claims.iat !== 'number' || claims.iat * 1000 <= client.tokensInvalidBefore)) {
    return 'client_compromised';
  }
  return null;
}

/** `tokenDeadReason(...) === null`. */
export async function isTokenLive(claims: JWTPayload, sources: LivenessSources): Promise<boolean> {
  return (await tokenDeadReason(claims, sources)) === null;
}
