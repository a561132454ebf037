import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

const PREFIX = 'hmac-sha256$';

/**
 * Client secrets, codes and refresh tokens are high-entropy, so a keyed hash (HMAC-SHA-256) is the
 * right tool: fast on the hot path, useless to whoever steals the table without the key. The key is
 * derived from the key-encryption key with HKDF. See docs/adr/0003-secret-hashing.md.
 */
export class SecretHasher {
  readonly #key: Buffer;
  /** Compared against when no client matched, so that both paths do the same work. */
  readonly #decoy: string;

  constructor(keyEncryptionKey: Buffer) {
    this.#key = Buffer.from(hkdfSync('sha256', keyEncryptionKey, Buffer.alloc(0), 'countersign/secret-hash/v1', 32));
    this.#decoy = this.hash('decoy');
  }

  hash(secret: string): string {
    return PREFIX + createHmac('sha256', this.#key).update(secret, 'utf8').digest('base64url');
  }

  /** Constant-time check of `secret` against a stored hash; `null` (no such client) costs the same and fails. */
  verify(secret: string, stored: string | null): boolean {
    const expected = Buffer.from(stored ?? this.#decoy);
    const actual = Buffer.from(this.hash(secret));
    return actual.length === expected.length && timingSafeEqual(actual, expected) && stored !== null;
  }
}
