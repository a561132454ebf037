import { InvalidRequestError } from '../errors/oauth-errors';
import type { OAuthClient } from '../model/client';

// RFC 7636 §4.2: BASE64URL(SHA256(verifier)) is always 43 characters.
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Step 4: PKCE (RFC 7636, SPEC §3): `S256` only; required for public clients; a method without a
 * challenge, a `plain` method, or a malformed challenge is `invalid_request` (redirected).
 */
export function checkPkce(client: OAuthClient, challenge: string | undefined, method: string | undefined): string | null {
  if (challenge === undefined || challenge === '') {
    if (method) throw new InvalidRequestError('code_challenge_method was sent without a code_challenge');
    if (!client.confidential) throw new InvalidRequestError('PKCE is required: send code_challenge with code_challenge_method=S256');
    return null;
  }
  if (method !== 'S256') throw new InvalidRequestError('Only code_challenge_method=S256 is supported');
  if (!S256_CHALLENGE.test(challenge)) throw new InvalidRequestError('code_challenge must be a base64url SHA-256 (43 characters)');
  return challenge;
}
