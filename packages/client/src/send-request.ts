import { NetworkError } from './network-error.js';
import type { RequestOptions } from './request-options.js';

const DEFAULT_TIMEOUT_MS = 30_000;

/** An answer whose body has been read: `json` is `undefined` when the body is not JSON. */
export interface ReadResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly json: unknown;
}

/**
 * One HTTP exchange with the issuer, the body read in full under the same deadline. A network
 * failure or the timeout is a `NetworkError`; the caller's own abort rejects with its reason.
 */
export async function sendRequest(url: string, init: RequestInit, options: RequestOptions): Promise<ReadResponse> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') throw new TypeError('No fetch: pass options.fetch on runtimes without a global fetch');
  const timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeout) || timeout < 0) throw new RangeError('timeout must be a number of milliseconds, 0 for none');

  const callerSignal = options.signal;
  callerSignal?.throwIfAborted();
  const controller = new AbortController();
  let timedOut = false;
  const onAbort = () => controller.abort(callerSignal?.reason);
  callerSignal?.addEventListener('abort', onAbort, { once: true });
  const timer =
    timeout > 0
      ? setTimeout(() => {
          timedOut = true;
          controller.abort(new NetworkError('timeout', `No answer from ${new URL(url).origin} within ${timeout} ms`));
        }, timeout)
      : undefined;
  try {
    const response = await fetchImpl(url, { ...init, signal: controller.signal, redirect: 'manual' });
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, json };
  } catch (error) {
    if (timedOut) throw new NetworkError('timeout', `No answer from ${new URL(url).origin} within ${timeout} ms`, { cause: error });
    if (callerSignal?.aborted) throw callerSignal.reason;
    throw new NetworkError('failed', `Could not reach ${new URL(url).origin}`, { cause: error });
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    callerSignal?.removeEventListener('abort', onAbort);
  }
}
