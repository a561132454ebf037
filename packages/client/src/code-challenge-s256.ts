import { base64url } from 'jose';

const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/**
 * The `S256` code challenge of a verifier (RFC 7636 §4.2): `BASE64URL(SHA-256(ASCII(verifier)))`,
 * 43 characters, computed with WebCrypto (`crypto.subtle`), so it runs in browsers and on Node alike.
 *
 * @throws {TypeError} when `verifier` is not 43–128 characters of the RFC 7636 alphabet.
 *
 * @example
 * import { codeChallengeS256 } from '@countersign/client';
 *
 * await codeChallengeS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk');
 * // → 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM' (RFC 7636 Appendix B)
 */
export async function codeChallengeS256(verifier: string): Promise<string> {
  if (typeof verifier !== 'string' || !VERIFIER.test(verifier)) {
    throw new TypeError('A code verifier is 43 to 128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636 §4.1)');
  }
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url.encode(new Uint8Array(digest));
}
