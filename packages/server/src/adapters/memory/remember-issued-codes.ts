import type { Clock } from '../../core/ports/clock';
import type { CodeStore, StoredCode } from '../../core/ports/code-store';

/**
 * The authorization codes this instance issued, kept in memory until they expire, so that the token
 * request redeeming one here does not read it back from storage (ADR 0033). Storage stays the truth
 * for their single use (RFC 6749 §4.1.2): a code is forgotten here before its use is attempted, so
 * every later read of it — a replay, the loser of a race between two redemptions, the replay's look
 * up of the grant to revoke — goes to storage, which knows whether and into which grant it was
 * redeemed. A code issued elsewhere, or forgotten (a restart, more than `maxEntries` issued within a
 * code's lifetime, the oldest going first), is read from storage as before. Only what the code was
 * issued for is kept, by its keyed hash, never the code itself; it never changes until the code is used.
 */
export function rememberIssuedCodes(codes: CodeStore, clock: Clock, maxEntries = 10_000): CodeStore {
  const issued = new Map<string, StoredCode>();
  return {
    async save(codeHash, code) {
      await codes.save(codeHash, code);
      issued.set(codeHash, code);
      if (issued.size > maxEntries) issued.delete(issued.keys().next().value as string);
    },

    async find(codeHash) {
      const code = issued.get(codeHash);
      if (code !== undefined) {
        if (code.expiresAt > clock.now()) return code;
        issued.delete(codeHash);
      }
      return codes.find(codeHash);
    },

    redeem(codeHash, ...redemption) {
      issued.delete(codeHash);
      return codes.redeem(codeHash, ...redemption);
    },

    sweep: (now) => codes.sweep(now),
  };
}
