import { CountersignError } from './errors.js';

/**
 * The codes of the app code exchange's envelope (SPEC §3), with its rate limit's and the catch-all.
 *
 * @example
 * const restart: ExchangeErrorCode[] = ['invalid_code', 'code_expired'];
 * if (error instanceof ExchangeError && restart.includes(error.code)) return restartAuthorization();
 */
export type ExchangeErrorCode =
  | 'invalid_request'
  | 'app_not_found'
  | 'invalid_client_secret'
  | 'invalid_code'
  | 'code_expired'
  | 'too_many_requests'
  | 'server_error';

const CODES: ReadonlySet<string> = new Set<ExchangeErrorCode>([
  'invalid_request',
  'app_not_found',
  'invalid_client_secret',
  'invalid_code',
  'code_expired',
  'too_many_requests',
  'server_error',
]);

/** Whether `code` is one of the codes `ExchangeError` carries. */
export const isExchangeErrorCode = (code: unknown): code is ExchangeErrorCode => typeof code === 'string' && CODES.has(code);

/**
 * The app code exchange (`exchangeCode`) was refused: the envelope's `code` is this error's `code`.
 * `invalid_request` (no User-Agent), `app_not_found`, `invalid_client_secret`, `invalid_code`
 * (unknown, used, another app's, or a wrong PKCE verifier), `code_expired`, `too_many_requests`
 * (too many failed attempts; wait `retryAfter` seconds) or `server_error`.
 *
 * @example
 * import { exchangeCode, ExchangeError } from '@countersign/client';
 *
 * try {
 *   apiKey = await exchangeCode({ issuer, appId, code, clientSecret, userAgent: 'MyApp/1.0' });
 * } catch (error) {
 *   if (error instanceof ExchangeError && (error.code === 'invalid_code' || error.code === 'code_expired')) {
 *     return restartAuthorization(); // a code is single use and lives a minute
 *   }
 *   throw error;
 * }
 */
export class ExchangeError extends CountersignError {
  declare readonly code: ExchangeErrorCode;
  /** The HTTP status: 400, 401, 404, 429 or 500. */
  readonly status: number;
  /** Seconds to wait before trying again, from `Retry-After` (sent with 429). */
  readonly retryAfter: number | undefined;

  constructor(code: ExchangeErrorCode, message: string, details: { status: number; retryAfter?: number | undefined }) {
    super(code, message);
    this.status = details.status;
    this.retryAfter = details.retryAfter;
  }
}
