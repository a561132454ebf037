/** The error codes of the app exchange (SPEC §3, after Komerza's), with the rate limit's and the catch-all. */
export type AppExchangeErrorCode =
  | 'invalid_request'
  | 'app_not_found'
  | 'invalid_client_secret'
  | 'invalid_code'
  | 'code_expired'
  | 'too_many_requests'
  | 'server_error';

const STATUS: Record<AppExchangeErrorCode, number> = {
  invalid_request: 400,
  app_not_found: 404,
  invalid_client_secret: 401,
  invalid_code: 400,
  code_expired: 400,
  too_many_requests: 429,
  server_error: 500,
};

/**
 * A refused app exchange. `http/error-mapper.ts` renders it as the envelope
 * `{success: false, message, code, data: null}` with `status`. The message never names the code.
 */
export class AppExchangeError extends Error {
  readonly status: number;

  constructor(
    readonly code: AppExchangeErrorCode,
    message: string,
    /** For `too_many_requests`: the Retry-After seconds. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'AppExchangeError';
    this.status = STATUS[code];
  }
}
