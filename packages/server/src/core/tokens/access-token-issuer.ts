import type { Clock } from '../ports/clock';
import type { Random } from '../ports/random';
import type { SigningKeys } from '../ports/signing-keys';
import { type AccessTokenSubject, accessTokenClaims } from './access-token-claims';
import { signJwt } from './sign-jwt';

export interface IssuedAccessToken {
  readonly token: string;
  readonly jti: string;
  readonly issuedAt: number;
  readonly expiresIn: number;
}

/** Signs RFC 9068 access tokens (`typ: at+jwt`) with the current key. No storage: nothing is written. */
export class AccessTokenIssuer {
  constructor(
    private readonly keyRing: SigningKeys,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  async issue(subject: AccessTokenSubject, lifetimeSeconds: number): Promise<IssuedAccessToken> {
    const issuedAt = Math.floor(this.clock.now() / 1000);
    const jti = this.random.bytes(16).toString('base64url');
    const claims = accessTokenClaims(subject, issuedAt, issuedAt + lifetimeSeconds, jti);
    return { token: await signJwt(this.keyRing.current(), 'at+jwt', claims), jti, issuedAt, expiresIn: lifetimeSeconds };
  }
}
