/**
 * The OAuth error vocabulary: one class per error code of RFC 6749 §4.1.2.1 / §5.2, RFC 7009 and
 * RFC 6750. The core throws these; `http/error-mapper.ts` alone turns them into wire responses.
 */
export abstract class OAuthError extends Error {
  abstract readonly code: string;
  /** HTTP status on the token, revoke and introspect endpoints. */
  readonly status: number = 400;
  /** Whether the authorization endpoint may report it by redirecting back to the client. */
  readonly allowRedirect: boolean = true;

  constructor(readonly description: string) {
    super(description);
    this.name = new.target.name;
  }
}

export class InvalidRequestError extends OAuthError {
  readonly code = 'invalid_request';
}

/** RFC 6749 §5.2: failed client authentication; 401 with WWW-Authenticate. */
export class InvalidClientError extends OAuthError {
  readonly code = 'invalid_client';
  override readonly status = 401;
  override readonly allowRedirect = false;
}

export class InvalidGrantError extends OAuthError {
  readonly code = 'invalid_grant';
}

export class UnauthorizedClientError extends OAuthError {
  readonly code = 'unauthorized_client';
  constructor(
    description: string,
    override readonly status = 400,
  ) {
    super(description);
  }
}

export class UnsupportedGrantTypeError extends OAuthError {
  readonly code = 'unsupported_grant_type';
}

export class InvalidScopeError extends OAuthError {
  readonly code = 'invalid_scope';
}

export class AccessDeniedError extends OAuthError {
  readonly code = 'access_denied';
}

export class UnsupportedResponseTypeError extends OAuthError {
  readonly code = 'unsupported_response_type';
}

export class UnsupportedTokenTypeError extends OAuthError {
  readonly code = 'unsupported_token_type';
}

/** Not in RFC 6749; SPEC §3 names it for the rate limit. */
export class TooManyRequestsError extends OAuthError {
  readonly code = 'too_many_requests';
  override readonly status = 429;
  constructor(
    description: string,
    readonly retryAfterSeconds: number,
  ) {
    super(description);
  }
}

/** RFC 6750 §3.1: a bearer token that is missing, malformed, expired, revoked or badly signed. */
export class InvalidTokenError extends OAuthError {
  readonly code = 'invalid_token';
  override readonly status = 401;
  override readonly allowRedirect = false;
}

/** RFC 6750 §3.1: the token is valid but lacks what the request needs. */
export class InsufficientScopeError extends OAuthError {
  readonly code = 'insufficient_scope';
  override readonly status = 403;
  override readonly allowRedirect = false;
}
