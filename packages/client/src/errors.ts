/**
 * The SDK's errors, one vocabulary with a stable `code` (like jose's `errors`): compare `code` or use
 * `instanceof`, never the message, which may change.
 */

/**
 * Base class of every error the SDK throws on purpose.
 *
 * @example
 * try {
 *   await guard.check(request.headers.authorization, { audience: 'backoffice', scopes: ['stores.view'] });
 * } catch (error) {
 *   if (error instanceof CountersignError) console.log(error.code); // 'invalid_token' or 'forbidden'
 * }
 */
export class CountersignError extends Error {
  /** Stable, machine-readable: the one thing to branch on. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * Why a token was not accepted; `missing` is the only one a resource server answers without an error code (RFC 6750 §3.1).
 *
 * @example
 * if (error instanceof InvalidTokenError && error.reason === 'expired') metrics.increment('expired_tokens');
 */
export type InvalidTokenReason = 'missing' | 'malformed' | 'expired' | 'revoked' | 'signature' | 'claims';

/**
 * The token cannot be used at all: missing, malformed, expired, revoked, badly signed, of the wrong
 * `typ` or from another issuer. A resource server answers 401 with
 * `WWW-Authenticate: Bearer error="invalid_token"` (RFC 6750 §3.1).
 *
 * @example
 * catch (error) {
 *   if (error instanceof InvalidTokenError) reply.code(401).header('www-authenticate', 'Bearer error="invalid_token"');
 * }
 */
export class InvalidTokenError extends CountersignError {
  declare readonly code: 'invalid_token';
  /** Finer detail for logs and metrics; the wire answer is the same for every reason but `missing`. */
  readonly reason: InvalidTokenReason;

  constructor(reason: InvalidTokenReason, message: string, options?: { cause?: unknown }) {
    super('invalid_token', message, options);
    this.reason = reason;
  }
}

/**
 * Which requirement a valid token failed.
 *
 * @example
 * if (error instanceof ForbiddenError && error.reason === 'audience') log.warn('a storefront token on the back office');
 */
export type ForbiddenReason = 'audience' | 'scope' | 'store' | 'mode';

/**
 * The token is valid but not for this request: the other side's audience (a storefront token on the
 * back office or the reverse), a missing permission scope, a store not in the token, or the wrong
 * mode. A resource server answers 403.
 *
 * @example
 * catch (error) {
 *   if (error instanceof ForbiddenError && error.reason === 'scope') console.log('needs', error.missingScopes);
 * }
 */
export class ForbiddenError extends CountersignError {
  declare readonly code: 'forbidden';
  readonly reason: ForbiddenReason;
  /** For `reason: 'scope'`: the permission scopes the token lacks. */
  readonly missingScopes: readonly string[];

  constructor(reason: ForbiddenReason, message: string, missingScopes: readonly string[] = []) {
    super('forbidden', message);
    this.reason = reason;
    this.missingScopes = missingScopes;
  }
}

/**
 * The issuer's keys could not be had (network error, timeout, a document that is not a JWKS): not
 * the token's fault, so a resource server answers 503 rather than 401.
 *
 * @example
 * catch (error) {
 *   if (error instanceof JwksUnavailableError) reply.code(503);
 * }
 */
export class JwksUnavailableError extends CountersignError {
  declare readonly code: 'jwks_unavailable';

  constructor(message: string, options?: { cause?: unknown }) {
    super('jwks_unavailable', message, options);
  }
}

/**
 * The guard's revocation data is stale: the change feed has not answered for longer than
 * `maxStaleness` (default 5 s). Refused with it: apps' API keys, which never expire and are only as
 * safe as the revocation data (fail closed). Not the token's fault, so a resource server answers 503
 * with `Retry-After`.
 *
 * @example
 * catch (error) {
 *   if (error instanceof RevocationDataStaleError) reply.code(503).header('retry-after', '1');
 * }
 */
export class RevocationDataStaleError extends CountersignError {
  declare readonly code: 'revocation_data_stale';

  constructor(message: string, options?: { cause?: unknown }) {
    super('revocation_data_stale', message, options);
  }
}
