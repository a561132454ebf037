import { randomString } from './random-string.js';

/** RFC 7636 §4.1: `unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~"`. */
const UNRESERVED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~';

/**
 * A PKCE code verifier (RFC 7636 §4.1): `length` characters (43–128, default 64) of the unreserved
 * alphabet, from `crypto.getRandomValues`. Keep it where only your client sees it (a server session,
 * `sessionStorage`) until the code comes back, send `codeChallengeS256(verifier)` with the
 * authorization request, and the verifier itself with the code.
 *
 * @example
 * import { codeChallengeS256, generateCodeVerifier } from '@countersign/client';
 *
 * const verifier = generateCodeVerifier(); // e.g. 'p8Vr~J2m...', 64 characters
 * const challenge = await codeChallengeS256(verifier);
 */
export function generateCodeVerifier(length = 64): string {
  if (!Number.isInteger(length) || length < 43 || length > 128) {
    throw new RangeError('A code verifier is 43 to 128 characters long (RFC 7636 §4.1)');
  }
  return randomString(UNRESERVED, length);
}
