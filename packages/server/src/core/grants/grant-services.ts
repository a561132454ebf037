import type { ClientDirectory, Clock, MarketDirectory } from '../ports';
import type { SecretHasher } from '../secrets/secret-hasher';
import type { AccessTokenIssuer } from '../tokens/access-token-issuer';

/** What the grant handlers need; built once by the HTTP layer, not per request. */
export interface GrantServices {
  readonly issuer: string;
  readonly clock: Clock;
  readonly clients: ClientDirectory;
  readonly markets: MarketDirectory;
  readonly hasher: SecretHasher;
  readonly accessTokens: AccessTokenIssuer;
}
