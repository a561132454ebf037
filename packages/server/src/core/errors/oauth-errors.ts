import { CountersignError } from './countersign-error';

/**
 * The OAuth error vocabulary: one class per error code of RFC 6749 §4.1.2.1 / §5.2, RFC 7009 and
 * RFC 6750, and SPEC §3's `too_many_requests`.
 */

export class InvalidRequestError extends CountersignError {
  readonly code = 'invalid_request';
}

/** RFC 6749 §5.2: failed client authentication; 401 with WWW-Authenticate. */
export class InvalidClientError extends CountersignError {
  readonly code = 'invalid_client';
  override readonly status = 401;
  override readonly allowRedirect = false;
}

export class InvalidGrantError extends CountersignError {
  readonly code = 'invalid_grant';
}

export class UnauthorizedClientError extends CountersignError {
  readonly code = 'unauthorized_client';
  constructor(
    description: string,
    override readonly status = 400,
  ) {
    super(description);
  }
}

export class UnsupportedGrantTypeError extends CountersignError {
  readonly code = 'unsupported_grant_type';
}

export class InvalidScopeError extends CountersignError {
  readonly code = 'invalid_scope';
}

export class AccessDeniedError extends CountersignError {
  readonly code = 'access_denied';
}

export class UnsupportedResponseTypeError extends CountersignError {
  readonly code = 'unsupported_response_type';
}

export class UnsupportedTokenTypeError extends CountersignError {
  readonly code = 'unsupported_token_type';
}

/** Not in RFC 6749; SPEC §3 names it for the rate limits. */
export class TooManyRequestsError extends CountersignError {
  readonly code = 'too_many_requests';
  override readonly status = 429;
  constructor(
    description: string,
    readonly retryAfterSeconds: number,
    /** Which limit refused: the token endpoint's per address, or the failed-attempt guard's (SPEC §3). */
    readonly limit: 'token_endpoint' | 'failed_attempts' = 'failed_attempts',
  ) {
    super(description);
  }
}

/** RFC 6750 §3.1: a bearer token that is missing, malformed, expired, revoked or badly signed. */
export class InvalidTokenError extends CountersignError {
  readonly code = 'invalid_token';
  override readonly status = 401;
  override readonly allowRedirect = false;
}

/** RFC 6750 §3.1: the token is valid but lacks what the request needs. */
export class InsufficientScopeError extends CountersignError {
  readonly code = 'insufficient_scope';
  override readonly status = 403;
  override readonly allowRedirect = false;
}
