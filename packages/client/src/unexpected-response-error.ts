import { CountersignError } from './errors.js';

/**
 * An answer that is not what the endpoint's contract promises: not JSON (a proxy's error page), a
 * success without its required fields, or an error code the SDK does not know. The body is not kept
 * on the error, since a success body holds tokens and errors end up in logs.
 *
 * @example
 * import { authenticate, UnexpectedResponseError } from '@countersign/client';
 *
 * try {
 *   await authenticate('client_credentials', { issuer, clientId, clientSecret });
 * } catch (error) {
 *   if (error instanceof UnexpectedResponseError) console.error('is the issuer URL right?', error.status);
 * }
 */
export class UnexpectedResponseError extends CountersignError {
  declare readonly code: 'unexpected_response';
  /** The HTTP status of the answer. */
  readonly status: number;

  constructor(status: number, message: string) {
    super('unexpected_response', message);
    this.status = status;
  }
}
