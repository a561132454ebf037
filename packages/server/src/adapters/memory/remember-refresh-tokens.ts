import type { ChangeHub } from '../../core/change-hub';
import type { Clock } from '../../core/ports/clock';
import type { GrantStore, StoredRefreshToken } from '../../core/ports/grant-store';

/**
 * The head of each refresh-token chain this instance rotates, kept in memory, so that the next
 * refresh does not read the token back from storage (ADR 0034). Storage stays the only judge of its
 * single use and of the grant's life (RFC 9700 §4.14.2): `rotate` checks both in storage and is the
 * only answer a refresh acts on; a copy only spares the read before it.
 *
 * - Only what storage said is kept: a token read unused from storage for a rotation, and the successor
 *   of a rotation storage accepted, with the grant read with its predecessor (a grant's client, owner,
 *   scope, stores and expiry never change; its revocation is what `rotate` checks).
 * - A token is forgotten before its rotation is attempted, so a replay, or the loser of two
 *   simultaneous refreshes, reads storage, which knows it was used. An expired copy is forgotten and
 *   storage read, where the core tells it expired.
 * - A grant revoked here or on another instance (`grants` on the change channel) is forgotten at once.
 *   A copy may still miss a use or a revocation made elsewhere (no Redis, or the channel's lag): the
 *   refresh then signs a token it never answers, because `rotate` refuses.
 * - At most one token per grant, and `maxEntries` tokens, the least recently rotated going first;
 *   only keyed hashes are keys, never a token.
 *
 * Only `findRefreshTokenToRotate` answers from memory; introspection and revocation read storage.
 */
export function rememberRefreshTokens(
  grants: GrantStore,
  changes: Pick<ChangeHub, 'subscribe'>,
  clock: Clock,
  maxEntries = 10_000,
): GrantStore {
  const byHash = new Map<string, StoredRefreshToken>();
  const hashById = new Map<string, string>();
  const hashByGrant = new Map<string, string>();

  const forget = (hash: string) => {
    const token = byHash.get(hash);
    if (token === undefined) return;
    byHash.delete(hash);
    hashById.delete(token.id);
    if (hashByGrant.get(token.grantId) === hash) hashByGrant.delete(token.grantId);
  };
  const remember = (hash: string, token: StoredRefreshToken) => {
    const previous = hashByGrant.get(token.grantId);
    if (previous !== undefined) forget(previous);
    forget(hash);
    byHash.set(hash, token);
    hashById.set(token.id, hash);
    hashByGrant.set(token.grantId, hash);
    if (byHash.size > maxEntries) forget(byHash.keys().next().value as string);
  };

  changes.subscribe((change) => {
    if (change.collection !== 'grants') return;
    const hash = hashByGrant.get(change.id);
    if (hash !== undefined) forget(hash);
  });

  return {
    ...grants,

    async findRefreshTokenToRotate(tokenHash) {
      const kept = byHash.get(tokenHash);
      if (kept !== undefined) {
        if (kept.expiresAt > clock.now()) return kept;
        forget(tokenHash);
      }
      const read = await grants.findRefreshToken(tokenHash);
      if (read !== undefined && read.usedAt === null && read.grant.revokedAt === null && read.expiresAt > clock.now()) {
        remember(tokenHash, read);
      }
      return read;
    },

    async rotate(rotation) {
      const hash = hashById.get(rotation.oldId);
      const kept = hash === undefined ? undefined : byHash.get(hash);
      if (hash !== undefined) forget(hash);
      const outcome = await grants.rotate(rotation);
      if (outcome === 'rotated' && kept !== undefined) {
        const { next } = rotation;
        remember(next.tokenHash, {
          id: next.id,
          grantId: rotation.grantId,
          clientId: kept.clientId,
          issuedAt: next.issuedAt,
          expiresAt: next.expiresAt,
          usedAt: null,
          successorCipher: null,
          graceUntil: null,
          successorUnused: false,
          grant: kept.grant,
        });
      }
      return outcome;
    },
  };
}
