import { errors, type JWSHeaderParameters, type JWTPayload, jwtVerify } from 'jose';
import { InvalidTokenError } from '../errors/oauth-errors';
import type { Clock } from '../ports/clock';
import type { SigningKeys } from '../ports/signing-keys';
import { API_KEY_TYP } from './api-key-issuer';
import { isApiKey } from './api-key-typ';

const ALGORITHMS = ['ES256', 'RS256', 'RS512', 'EdDSA'];

/**
 * Verifies access tokens this server issued (RFC 9068 §4): signature by a published key, `typ`
 * `at+jwt`, our issuer, not expired (by the injected clock). Any failure is `invalid_token`, without
 * saying which check failed. jose does the verification; signing is ours (sign-jwt.ts).
 */
export class AccessTokenVerifier {
  constructor(
    private readonly keyRing: SigningKeys,
    private readonly clock: Clock,
    private readonly issuer: string,
  ) {}

  async verify(token: string): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, this.#publishedKey, {
        issuer: this.issuer,
        typ: 'at+jwt',
        algorithms: ALGORITHMS,
        currentDate: new Date(this.clock.now()),
        requiredClaims: ['exp', 'jti'],
      });
      return payload;
    } catch {
      throw new InvalidTokenError('The access token is invalid or has expired');
    }
  }

  /**
   * Verifies an app's API key (SPEC §4), a path of its own so that the access-token checks stay as
   * strict as they are: `typ` `api-key+jwt`, our issuer, a published key, and no `exp` at all (an API
   * key lives until its grant is revoked, which the caller checks).
   */
  async verifyApiKey(token: string): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, this.#publishedKey, {
        issuer: this.issuer,
        typ: API_KEY_TYP,
        algorithms: ALGORITHMS,
        currentDate: new Date(this.clock.now()),
        requiredClaims: ['jti', 'client_id', 'grant_id'],
      });
      if (payload.exp !== undefined || typeof payload.grant_id !== 'string') throw new Error('not an API key');
      return payload;
    } catch {
      throw new InvalidTokenError('The API key is invalid');
    }
  }

  /** An access token or an API key, by the header's `typ`: each verified by its own rules. */
  async verifyAny(token: string): Promise<JWTPayload> {
    return isApiKey(token) ? this.verifyApiKey(token) : this.verify(token);
  }

  readonly #publishedKey = (header: JWSHeaderParameters) => {
    const key = header.kid === undefined ? undefined : this.keyRing.publicKey(header.kid);
    if (!key || key.alg !== header.alg) throw new errors.JWKSNoMatchingKey();
    return key.key;
  };
}
