/**
 * What every call that goes over the network accepts.
 *
 * @example
 * const controller = new AbortController();
 * const tokens = await authenticate('client_credentials', { issuer, clientId, clientSecret, signal: controller.signal, timeout: 5000 });
 */
export interface RequestOptions {
  /** The `fetch` to use (default: the global one): for tests, proxies, instrumentation. */
  readonly fetch?: typeof fetch;
  /** Aborts the request; the call then rejects with the signal's reason, as `fetch` does. */
  readonly signal?: AbortSignal;
  /** Milliseconds before the request is given up with `NetworkError` (`reason: 'timeout'`); default 30000, `0` for none. */
  readonly timeout?: number;
}
