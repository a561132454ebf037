import { decodeJwt, decodeProtectedHeader, type ProtectedHeaderParameters } from 'jose';
import type { CountersignClaims } from './claims.js';
import { InvalidTokenError } from './errors.js';
import { isCountersignClaims } from './is-countersign-claims.js';

/**
 * A Countersign token's protected header: `typ` is `at+jwt` for access tokens, `api-key+jwt` for apps' API keys.
 *
 * @example
 * const { header } = decodeToken(token);
 * const isApiKey = header.typ === 'api-key+jwt';
 */
export interface TokenHeader extends ProtectedHeaderParameters {
  readonly alg: string;
  readonly typ?: string;
  readonly kid?: string;
}

/**
 * What `decodeToken` returns: the header and the claims, **unverified**.
 *
 * @example
 * const { header, payload }: DecodedToken = decodeToken(tokens.accessToken);
 * console.log(header.kid, payload.owner?.id);
 */
export interface DecodedToken {
  readonly header: TokenHeader;
  readonly payload: CountersignClaims;
}

/**
 * Reads a Countersign access token or API key **without verifying it**: the header and the claims,
 * typed. For showing who a token is for, when it expires, or which stores and scopes it holds, in a
 * client that received the token from the issuer itself. Never base an access decision on it: a
 * resource server uses `verifyToken` or `createGuard`, which check the signature.
 *
 * @throws {InvalidTokenError} `reason: 'malformed'` for anything that is not a JWS compact JWT with
 *   a JSON payload; `reason: 'claims'` for a JWT without the Countersign claims (SPEC §4).
 *
 * @example
 * import { decodeToken } from '@countersign/client';
 *
 * const { header, payload } = decodeToken(accessToken);
 * console.log(header.typ, payload.sub, payload.scope, payload.market?.code);
 * if (payload.exp !== undefined) console.log('expires', new Date(payload.exp * 1000));
 */
export function decodeToken(token: string): DecodedToken {
  if (typeof token !== 'string' || token === '') throw new InvalidTokenError('missing', 'No token to decode');
  let header: ProtectedHeaderParameters;
  let payload: ReturnType<typeof decodeJwt>;
  try {
    if (token.split('.').length !== 3) throw new TypeError('not three segments');
    header = decodeProtectedHeader(token);
    payload = decodeJwt(token);
  } catch (error) {
    throw new InvalidTokenError('malformed', 'The token is not a JWT', { cause: error });
  }
  if (typeof header.alg !== 'string') throw new InvalidTokenError('malformed', 'The token header has no alg');
  if (!isCountersignClaims(payload)) throw new InvalidTokenError('claims', 'The token does not carry the Countersign claims');
  return { header: header as TokenHeader, payload };
}
