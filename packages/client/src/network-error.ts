import { CountersignError } from './errors.js';

/**
 * `timeout`: no complete answer within the request's `timeout`; `failed`: no answer at all (DNS, refused, reset, TLS).
 *
 * @example
 * if (error instanceof NetworkError && error.reason === 'timeout') console.warn('the issuer is slow');
 */
export type NetworkErrorReason = 'timeout' | 'failed';

/**
 * The request never got a complete answer: the server could not be reached, or the `timeout`
 * passed. Nothing is known about whether the server acted on it. A request aborted through the
 * caller's own `signal` is not a NetworkError: it rejects with the signal's reason, as `fetch` does.
 *
 * @example
 * import { NetworkError, revoke } from '@countersign/client';
 *
 * try {
 *   await revoke(refreshToken, { issuer, clientId, timeout: 5000 });
 * } catch (error) {
 *   if (error instanceof NetworkError) queueForRetry(refreshToken); // revocation is idempotent
 *   else throw error;
 * }
 */
export class NetworkError extends CountersignError {
  declare readonly code: 'network_error';
  readonly reason: NetworkErrorReason;

  constructor(reason: NetworkErrorReason, message: string, options?: { cause?: unknown }) {
    super('network_error', message, options);
    this.reason = reason;
  }
}
