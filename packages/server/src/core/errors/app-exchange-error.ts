import { CountersignError } from './countersign-error';

/** The error codes of the app exchange (SPEC §3, after Komerza's); its rate limit is TooManyRequestsError. */
export type AppExchangeErrorCode = 'invalid_request' | 'app_not_found' | 'invalid_client_secret' | 'invalid_code' | 'code_expired';

const STATUS: Record<AppExchangeErrorCode, number> = {
  invalid_request: 400,
  app_not_found: 404,
  invalid_client_secret: 401,
  invalid_code: 400,
  code_expired: 400,
};

/**
 * A refused app exchange, rendered in the exchange's envelope `{success: false, message, code, data:
 * null}` (http/errors/render-exchange-error.ts). The message never names the code.
 */
export class AppExchangeError extends CountersignError {
  override readonly status: number;
  override readonly allowRedirect = false;

  constructor(
    readonly code: AppExchangeErrorCode,
    message: string,
  ) {
    super(message);
    this.status = STATUS[code];
  }
}
