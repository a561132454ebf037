import { CountersignError } from './errors.js';

/**
 * The error codes an OAuth endpoint of Countersign answers with: RFC 6749 §5.2 (token endpoint),
 * RFC 7009 §2.2.1 (`unsupported_token_type`), and SPEC §3's `too_many_requests` for the rate limit.
 *
 * @example
 * const signInAgain: OAuthErrorCode[] = ['invalid_grant'];
 * if (error instanceof OAuthResponseError && signInAgain.includes(error.code)) redirectToSignIn();
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'unsupported_token_type'
  | 'too_many_requests'
  | 'server_error'
  | 'temporarily_unavailable';

const CODES: ReadonlySet<string> = new Set<OAuthErrorCode>([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'unsupported_token_type',
  'too_many_requests',
  'server_error',
  'temporarily_unavailable',
]);

/** Whether `code` is one of the codes `OAuthResponseError` carries. */
export const isOAuthErrorCode = (code: unknown): code is OAuthErrorCode => typeof code === 'string' && CODES.has(code);

/**
 * The token or revocation endpoint refused the request with an RFC 6749 §5.2 error body
 * (`{error, error_description}`). `code` is the RFC error code, so it is what to branch on:
 * `invalid_grant` (a dead refresh token, a used or expired code, wrong credentials of a shopper),
 * `invalid_client` (an unknown client or a wrong secret: the server does not say which),
 * `too_many_requests` (wait `retryAfter` seconds), and so on.
 *
 * @example
 * import { authenticate, OAuthResponseError } from '@countersign/client';
 *
 * try {
 *   await authenticate('refresh_token', { issuer, clientId, refreshToken });
 * } catch (error) {
 *   if (error instanceof OAuthResponseError && error.code === 'invalid_grant') await signInAgain();
 *   else if (error instanceof OAuthResponseError && error.code === 'too_many_requests') await sleep(error.retryAfter! * 1000);
 *   else throw error;
 * }
 */
export class OAuthResponseError extends CountersignError {
  declare readonly code: OAuthErrorCode;
  /** The HTTP status: 400, 401 (client authentication failed), 403, 429 or 5xx. */
  readonly status: number;
  /** `error_description`: for people and logs, never for branching. */
  readonly description: string | undefined;
  /** `error_uri`, when the server sent one. */
  readonly uri: string | undefined;
  /** Seconds to wait before trying again, from `Retry-After` (sent with 429). */
  readonly retryAfter: number | undefined;

  constructor(
    code: OAuthErrorCode,
    details: { status: number; description?: string | undefined; uri?: string | undefined; retryAfter?: number | undefined },
  ) {
    super(code, details.description ? `${code}: ${details.description}` : `The server answered ${code} (HTTP ${details.status})`);
    this.status = details.status;
    this.description = details.description;
    this.uri = details.uri;
    this.retryAfter = details.retryAfter;
  }
}
