import type { OAuthClient } from '../ports';
import type { ParsedScope } from '../scopes/parse-scope';
import type { AuthorizationSide } from './authorization-side';

/** An authorization request that passed every check that can run before sign-in. */
export interface AuthorizationRequest {
  readonly client: OAuthClient;
  readonly side: AuthorizationSide;
  readonly redirectUri: string;
  readonly redirectUriSent: boolean;
  readonly state: string | undefined;
  readonly codeChallenge: string | null;
  readonly scope: ParsedScope;
}

/** A problem that is reported by redirecting back to the client (RFC 6749 §4.1.2.1, RFC 9207 `iss`). */
export class AuthorizationRedirectError extends Error {
  constructor(
    readonly redirectUri: string,
    readonly state: string | undefined,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
    this.name = 'AuthorizationRedirectError';
  }
}
