import type { Random } from '../ports/random';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * `length` characters of [A-Za-z0-9], uniformly: bytes ≥ 248 are rejected so that `byte % 62` has no
 * bias (248 = 4 × 62). SPEC §1: secrets are 72 such characters (≈ 428 bits).
 */
export function randomAlphanumeric(random: Random, length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of random.bytes(length * 2)) {
      if (byte >= 248) continue;
      out += ALPHABET[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

/** Record ids: 20 alphanumeric characters (≈ 119 bits), URL-safe. */
export const newId = (random: Random): string => randomAlphanumeric(random, 20);

/** Client secrets: 72 alphanumeric characters (SPEC §1). */
export const newClientSecret = (random: Random): string => randomAlphanumeric(random, 72);
