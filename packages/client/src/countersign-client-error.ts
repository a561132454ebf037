import {
  CountersignError,
  type ForbiddenError,
  type InvalidTokenError,
  type JwksUnavailableError,
  type RevocationDataStaleError,
} from './errors.js';
import type { ExchangeError } from './exchange-error.js';
import type { NetworkError } from './network-error.js';
import type { OAuthResponseError } from './oauth-response-error.js';
import type { UnexpectedResponseError } from './unexpected-response-error.js';

/**
 * Every error the SDK throws on purpose, as one union to `switch` on `code`. Misuse (a missing
 * option, an out-of-range value) throws `TypeError` or `RangeError` instead, and an abort through
 * your own `signal` rejects with the signal's reason.
 *
 * | `code` | class |
 * | --- | --- |
 * | RFC 6749 §5.2 codes (`invalid_grant`, `invalid_client`, ...), `too_many_requests` | `OAuthResponseError` |
 * | `app_not_found`, `invalid_client_secret`, `invalid_code`, `code_expired`, ... | `ExchangeError` |
 * | `network_error` | `NetworkError` |
 * | `unexpected_response` | `UnexpectedResponseError` |
 * | `invalid_token` | `InvalidTokenError` |
 * | `forbidden` | `ForbiddenError` |
 * | `jwks_unavailable` | `JwksUnavailableError` |
 * | `revocation_data_stale` | `RevocationDataStaleError` |
 *
 * @example
 * import { type CountersignClientError, isCountersignClientError } from '@countersign/client';
 *
 * function explain(error: unknown): string {
 *   if (!isCountersignClientError(error)) throw error;
 *   switch (error.code) {
 *     case 'invalid_grant':
 *       return 'sign in again';
 *     case 'network_error':
 *       return error.reason === 'timeout' ? 'the server is slow' : 'the server is unreachable';
 *     case 'invalid_token':
 *       return `token refused (${error.reason})`;
 *     default:
 *       return error.message;
 *   }
 * }
 */
export type CountersignClientError =
  | OAuthResponseError
  | ExchangeError
  | NetworkError
  | UnexpectedResponseError
  | InvalidTokenError
  | ForbiddenError
  | JwksUnavailableError
  | RevocationDataStaleError;

/**
 * Narrows `unknown` (a `catch` binding) to `CountersignClientError`, so that a `switch` on `code`
 * narrows each branch to its class.
 *
 * @example
 * try {
 *   await manager.token();
 * } catch (error) {
 *   if (isCountersignClientError(error) && error.code === 'too_many_requests') console.log(error.retryAfter);
 * }
 */
export function isCountersignClientError(error: unknown): error is CountersignClientError {
  return error instanceof CountersignError;
}
