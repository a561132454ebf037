import type { OAuthClient } from '../model/client';
import type { ParsedScope } from '../scopes/parse-scope';
import type { AuthorizationSide } from './authorization-side';
import { redirectUrl } from './redirect-url';

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

/**
 * A problem reported by redirecting back to the client (RFC 6749 §4.1.2.1) with `error`,
 * `error_description`, `state` and `iss` (RFC 9207). `location` is the complete URL.
 */
export class AuthorizationRedirectError extends Error {
  readonly location: string;
  constructor(
    target: { redirectUri: string; state: string | undefined },
    readonly error: string,
    description: string,
    issuer: string,
  ) {
    super(description);
    this.name = 'AuthorizationRedirectError';
    this.location = redirectUrl(target.redirectUri, { error, error_description: description, state: target.state, iss: issuer });
  }
}
