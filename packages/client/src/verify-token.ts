import { decodeProtectedHeader, errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import type { CountersignClaims } from './claims.js';
import { CountersignError, InvalidTokenError } from './errors.js';
import { isCountersignClaims } from './is-countersign-claims.js';
import { type KeySourceOptions, keySource } from './key-source.js';

/** The algorithms Countersign signs with (SPEC §4); HMAC and `none` are never accepted. */
const ALGORITHMS = ['ES256', 'RS256', 'RS512', 'EdDSA'];

/** RFC 9068 §2.1. */
const ACCESS_TOKEN_TYP = 'at+jwt';
/** An app's API key (SPEC §4): never `at+jwt`, so that nothing expecting expiring tokens takes one by mistake. */
const API_KEY_TYP = 'api-key+jwt';

/**
 * What `verifyToken` checks a token against: the issuer, where its keys come from, the clock.
 *
 * @example
 * const options: VerifyTokenOptions = { issuer: 'https://auth.example', jwksUri: 'https://auth.example/.well-known/jwks.json', clockTolerance: 5 };
 * const claims = await verifyToken(token, options);
 */
export interface VerifyTokenOptions extends KeySourceOptions {
  /** The issuer, exactly as in its metadata (`COUNTERSIGN_ISSUER`): `iss` must equal it byte for byte. */
  readonly issuer: string;
  /** The current time in epoch milliseconds (default `Date.now`); tests and simulations pass their clock. */
  readonly now?: () => number;
  /** Seconds of leeway on `exp` and `iat` for clocks that drift (default 0). */
  readonly clockTolerance?: number;
  /**
   * Also accept apps' API keys (header `typ: api-key+jwt`, no `exp`, with `grant_id` and `stores`).
   * An API key lives until its grant is revoked, so only turn this on where revocation is checked
   * (`createGuard` insists on `isRevoked`). Default `false`: access tokens only.
   */
  readonly apiKeys?: boolean;
}

/**
 * Verifies a Countersign access token (RFC 9068): the signature against the issuer's JWKS, header
 * `typ: at+jwt`, `iss`, `exp`, and the shape of the claims of SPEC §4 (with `apiKeys: true`, also an
 * app's API key: `typ: api-key+jwt`, no `exp`). It does not decide whether the
 * token may do anything: that is `createGuard`'s job (audience, scopes, store, mode, revocation).
 *
 * @throws {InvalidTokenError} `code: 'invalid_token'` for a malformed, expired, badly signed,
 *   wrongly typed or foreign token.
 * @throws {JwksUnavailableError} `code: 'jwks_unavailable'` when the keys could not be fetched.
 *
 * @example
 * import { verifyToken } from '@countersign/client';
 *
 * const claims = await verifyToken(token, {
 *   issuer: 'https://auth.example',
 *   jwksUri: 'https://auth.example/.well-known/jwks.json',
 * });
 * console.log(claims.sub, claims.scope, claims.store?.id);
 */
export async function verifyToken(token: string, options: VerifyTokenOptions): Promise<CountersignClaims> {
  return verifyWithKeys(token, keySource(options), options);
}

/** `verifyToken` with a key resolver built once (the guard keeps one for its lifetime). */
export async function verifyWithKeys(
  token: string,
  keys: JWTVerifyGetKey,
  options: Pick<VerifyTokenOptions, 'issuer' | 'now' | 'clockTolerance' | 'apiKeys'>,
): Promise<CountersignClaims> {
  if (typeof token !== 'string' || token.length === 0) throw new InvalidTokenError('missing', 'No access token');
  let payload: JWTPayload;
  let apiKey = false;
  try {
    // The header picks the rules; jwtVerify then checks that same typ against the signed header.
    apiKey = options.apiKeys === true && decodeProtectedHeader(token).typ === API_KEY_TYP;
    ({ payload } = await jwtVerify(token, keys, {
      issuer: options.issuer,
      typ: apiKey ? API_KEY_TYP : ACCESS_TOKEN_TYP,
      algorithms: ALGORITHMS,
      currentDate: new Date((options.now ?? Date.now)()),
      clockTolerance: options.clockTolerance ?? 0,
      requiredClaims: apiKey ? ['sub', 'iat', 'jti', 'grant_id', 'stores'] : ['sub', 'exp', 'iat', 'jti'],
    }));
  } catch (error) {
    throw toInvalidToken(error);
  }
  if (apiKey && payload.exp !== undefined) throw new InvalidTokenError('claims', 'An API key never carries exp');
  if (!isCountersignClaims(payload)) throw new InvalidTokenError('claims', 'The access token does not carry the Countersign claims');
  return payload;
}

function toInvalidToken(error: unknown): Error {
  if (error instanceof CountersignError) return error;
  if (error instanceof errors.JWTExpired) return new InvalidTokenError('expired', 'The access token has expired', { cause: error });
  if (
    error instanceof errors.JWSSignatureVerificationFailed ||
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWKSMultipleMatchingKeys
  ) {
    return new InvalidTokenError('signature', 'The access token signature does not verify against the issuer keys', { cause: error });
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new InvalidTokenError('claims', `The access token was refused: ${error.message}`, { cause: error });
  }
  if (error instanceof errors.JOSEError) return new InvalidTokenError('malformed', 'The access token is malformed', { cause: error });
  // jose throws TypeError for inputs it cannot even parse.
  if (error instanceof TypeError) return new InvalidTokenError('malformed', 'The access token is malformed', { cause: error });
  return error instanceof Error ? error : new Error(String(error));
}
