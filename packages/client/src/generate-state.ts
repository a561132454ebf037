import { base64url } from 'jose';

/**
 * A fresh `state` for an authorization request: 32 random bytes (`crypto.getRandomValues`) in
 * base64url, 43 characters. Bind it to the person's session before redirecting, and refuse a
 * redirect whose `state` is not the one you stored (RFC 6749 §10.12, CSRF).
 *
 * @example
 * import { generateState } from '@countersign/client';
 *
 * const state = generateState();
 * reply.setCookie('oauth_state', state, { httpOnly: true, sameSite: 'lax', secure: true });
 */
export function generateState(): string {
  return base64url.encode(crypto.getRandomValues(new Uint8Array(32)));
}
