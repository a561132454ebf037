/**
 * What a load run sends, as the orchestrator hands it to a load generator in another process (in a
 * file readable only by this user: the requests carry client secrets and tokens).
 */
export interface FixedRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * An authorization-code round trip against a server whose user already consented: GET the
 * authorization endpoint with the session cookie (answered by a redirect that carries the code), then
 * POST the code to the token endpoint with HTTP Basic, PKCE S256 each time.
 */
export interface CodeFlowTarget {
  origin: string;
  authorizePath: string;
  /** client_id, redirect_uri, response_type, scope (and resource for the peer); state and PKCE are added per request. */
  authorizeParams: Record<string, string>;
  /** The signed-in session's cookies, as a Cookie header. */
  cookie: string;
  tokenPath: string;
  /** `Basic …` of the confidential client. */
  authorization: string;
  redirectUri: string;
}

/** What the chained load driver (bench/load/chain-driver.ts) runs. */
export type DriverSpec =
  /** The same request again and again (the ceiling as the driver sees it). */
  | { kind: 'fixed'; request: FixedRequest }
  /** One iteration = one authorization answer + one token answer. */
  | { kind: 'code-flow'; target: CodeFlowTarget }
  /** Each connection gets a refresh token by one code flow, then refreshes with the newest one, chained. */
  | { kind: 'refresh'; target: CodeFlowTarget };

export interface LoadOptions {
  connections: number;
  warmupSeconds: number;
  seconds: number;
}

/** One measured run. Latencies in milliseconds; `rps` counts iterations (token answers) per second. */
export interface Figures {
  rps: number;
  p50: number;
  p99: number;
  /** Answers with an unexpected status (wrk and autocannon: 4xx and 5xx). */
  non2xx: number;
  /** Socket errors, timeouts, answers that could not be used. */
  errors: number;
  /** The first failure seen, for the message that says the run is not valid. */
  firstFailure?: string;
}
