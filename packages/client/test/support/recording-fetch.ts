/** A request as the SDK sent it. */
export interface SentRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly body: string;
  /** The form body's parameters (empty for other bodies). */
  readonly form: URLSearchParams;
  readonly init: RequestInit;
}

/**
 * A `fetch` that records what the SDK sends and answers with `respond`: request shapes are asserted
 * on `requests`, and no socket is ever opened.
 */
export function recordingFetch(respond: (request: SentRequest) => Response | Promise<Response> = () => json(200, {})) {
  const requests: SentRequest[] = [];
  const fetchImpl = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const body = typeof init.body === 'string' ? init.body : '';
    const headers = new Headers(init.headers);
    const request: SentRequest = {
      url: String(input),
      method: init.method ?? 'GET',
      headers,
      body,
      form: headers.get('content-type') === 'application/x-www-form-urlencoded' ? new URLSearchParams(body) : new URLSearchParams(),
      init,
    };
    requests.push(request);
    return respond(request);
  }) as typeof fetch;
  return { fetch: fetchImpl, requests };
}

/** A JSON answer. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

/** A token endpoint success body (SPEC §3), with fields to override. */
export function tokenBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { access_token: 'at-1', token_type: 'Bearer', expires_in: 7200, scope: 'stores.view', created_at: 1_800_000_000, ...overrides };
}

/** A `fetch` that never answers, until its signal aborts: for timeouts and aborts without waiting on a clock. */
export const hangingFetch = (async (_input: string | URL | Request, init: RequestInit = {}) =>
  new Promise<Response>((_resolve, reject) => {
    const signal = init.signal;
    if (!signal) return;
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  })) as typeof fetch;
