import { errors, type JWTPayload, jwtVerify } from 'jose';
import { InvalidTokenError } from '../errors';
import type { KeyRing } from '../keys/key-ring';
import type { Clock } from '../ports';

const ALGORITHMS = ['ES256', 'RS256', 'RS512', 'EdDSA'];

/**
 * Verifies access tokens this server issued (RFC 9068 §4): signature by a published key, `typ`
 * `at+jwt`, our issuer, not expired (by the injected clock). Any failure is `invalid_token`, without
 * saying which check failed. jose does the verification; signing is ours (sign-jwt.ts).
 */
export class AccessTokenVerifier {
  constructor(
    private readonly keyRing: KeyRing,
    private readonly clock: Clock,
    private readonly issuer: string,
  ) {}

  async verify(token: string): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(
        token,
        (header) => {
          const key = header.kid === undefined ? undefined : this.keyRing.publicKey(header.kid);
          if (!key || key.alg !== header.alg) throw new errors.JWKSNoMatchingKey();
          return key.key;
        },
        {
          issuer: this.issuer,
          typ: 'at+jwt',
          algorithms: ALGORITHMS,
          currentDate: new Date(this.clock.now()),
          requiredClaims: ['exp', 'jti'],
        },
      );
      return payload;
    } catch {
      throw new InvalidTokenError('The access token is invalid or has expired');
    }
  }
}
