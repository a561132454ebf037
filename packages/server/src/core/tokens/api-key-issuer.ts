import type { ActiveSigningKey } from '../model/active-signing-key';
import type { Clock } from '../ports/clock';
import type { Random } from '../ports/random';
import type { SigningKeys } from '../ports/signing-keys';
import { type AccessTokenSubject, accessTokenClaims } from './access-token-claims';
import { signJwt } from './sign-jwt';

/** The JOSE `typ` of API keys: never `at+jwt`, so that no access-token check accepts one (SPEC §4). */
export const API_KEY_TYP = 'api-key+jwt';

/** An app's API key: the claims of an app token (`stores`, `owner`, `grant_id`) and no `exp`. */
export interface ApiKeySubject extends AccessTokenSubject {
  readonly stores: readonly { readonly id: string; readonly slug: string }[];
  readonly owner: { readonly type: 'user'; readonly id: string };
  readonly grantId: string;
}

export interface IssuedApiKey {
  readonly token: string;
  readonly jti: string;
  readonly issuedAt: number;
}

/**
 * Signs API keys (SPEC §4), valid until their grant is revoked. The key that signs one is chosen
 * first (`signingKey()`) so that its `kid` can be recorded on the grant before the key is signed:
 * the JWKS keeps a retired key published while a live grant names it.
 */
export class ApiKeyIssuer {
  constructor(
    private readonly keyRing: SigningKeys,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  signingKey(): ActiveSigningKey {
    return this.keyRing.current();
  }

  async issue(subject: ApiKeySubject, key: ActiveSigningKey): Promise<IssuedApiKey> {
    const issuedAt = Math.floor(this.clock.now() / 1000);
    const jti = this.random.bytes(16).toString('base64url');
    const claims = accessTokenClaims(subject, issuedAt, undefined, jti);
    return { token: await signJwt(key, API_KEY_TYP, claims), jti, issuedAt };
  }
}
