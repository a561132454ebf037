import type { ChangeHub } from '../change-hub';
import type { ClientDirectory } from '../ports/client-directory';
import type { Clock } from '../ports/clock';
import type { GrantStore } from '../ports/grant-store';
import type { SecretHasher } from '../secrets/secret-hasher';
import type { AccessTokenVerifier } from './access-token-verifier';

/** What revocation and introspection need. */
export interface TokenServices {
  readonly clock: Clock;
  readonly verifier: AccessTokenVerifier;
  readonly grants: GrantStore;
  /** For the liveness rules (token-liveness.ts): a token whose client is gone is dead. */
  readonly clients: ClientDirectory;
  readonly hasher: SecretHasher;
  readonly changes: ChangeHub;
}

/** A compact JWS has three dot-separated parts; refresh tokens have none. */
export const looksLikeJwt = (token: string): boolean => token.split('.').length === 3;
