import type { OwnerType } from '../model/owner';
import type { IssuedAccessToken } from '../tokens/access-token-issuer';

/** The token endpoint's success body (SPEC §3), wire names as they go out. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  /** Unix seconds. */
  created_at: number;
  refresh_token?: string;
  owner_id?: string;
  owner_type?: OwnerType;
}

/** Parameters of a token request, already parsed from form or JSON into strings. */
export type TokenParams = Readonly<Record<string, string | undefined>>;

/** The SPEC §3 success body for an issued access token and its granted scope. */
export function tokenResponse(issued: IssuedAccessToken, scope: string): TokenResponse {
  return { access_token: issued.token, token_type: 'Bearer', expires_in: issued.expiresIn, scope, created_at: issued.issuedAt };
}
