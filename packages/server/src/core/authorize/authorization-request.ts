import type { OAuthClient } from '../model/client';
import type { ParsedScope } from '../scopes/parse-scope';
import type { AuthorizationSide } from './authorization-side';

/**
 * The client and redirect URI of an authorization request, once both are known good: from here on an
 * error can be reported to the client by redirecting (RFC 6749 §4.1.2.1).
 */
export interface AuthorizationTarget {
  readonly client: OAuthClient;
  readonly side: AuthorizationSide;
  readonly redirectUri: string;
  /** Whether the request carried redirect_uri (RFC 6749 §4.1.3: then the token request must repeat it). */
  readonly redirectUriSent: boolean;
  readonly state: string | undefined;
}

/** An authorization request that passed every check that can run before sign-in. */
export interface AuthorizationRequest extends AuthorizationTarget {
  readonly codeChallenge: string | null;
  readonly scope: ParsedScope;
}
