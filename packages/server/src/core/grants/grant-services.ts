import type { ChangePublisher } from '../ports/change-publisher';
import type { ClientDirectory } from '../ports/client-directory';
import type { Clock } from '../ports/clock';
import type { CodeStore } from '../ports/code-store';
import type { Encryptor } from '../ports/encryptor';
import type { GrantStore } from '../ports/grant-store';
import type { MarketDirectory } from '../ports/market-directory';
import type { PeopleDirectory } from '../ports/people-directory';
import type { Random } from '../ports/random';
import type { StoreDirectory } from '../ports/store-directory';
import type { FailedAttemptGuard } from '../rate-limit/failed-attempt-guard';
import type { SecretHasher } from '../secrets/secret-hasher';
import type { AccessTokenIssuer } from '../tokens/access-token-issuer';

/** Failed sign-in throttling (SPEC §3): every attempt counted before it is judged, successes refunded. */
export type FailedAttempts = Pick<FailedAttemptGuard, 'begin'>;

/**
 * Everything the token endpoint's grants may use, built once by the composition root. No handler
 * takes all of it: each declares the part it touches (a `Pick` named after it, beside it).
 */
export interface GrantServices {
  readonly issuer: string;
  readonly clock: Clock;
  readonly random: Random;
  readonly clients: ClientDirectory;
  readonly markets: MarketDirectory;
  readonly people: PeopleDirectory;
  readonly grants: GrantStore;
  readonly hasher: SecretHasher;
  readonly accessTokens: AccessTokenIssuer;
  /** Encrypts the pair kept for the refresh grace window. */
  readonly encryptor: Encryptor;
  readonly failedAttempts: FailedAttempts;
  readonly grantMaxAgeSeconds: number;
  readonly refreshGraceSeconds: number;
  readonly codes: CodeStore;
  readonly stores: StoreDirectory;
  readonly codeTtlSeconds: number;
  /** Told when a grant is revoked, for caches and the change channel. */
  readonly changes: ChangePublisher;
}
