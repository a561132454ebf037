/**
 * Which Countersign issuer, and which client is calling it.
 *
 * @example
 * const integration: ClientOptions = { issuer: 'https://auth.example', clientId, clientSecret };
 * const tokens = await authenticate('client_credentials', integration);
 */
export interface ClientOptions {
  /** The issuer as a plain URL, e.g. `http://127.0.0.1:4000`: endpoints are found under it (`/oauth/token`, ...). */
  readonly issuer: string;
  /** The client id of a credential (sales channel, integration, webapp) or of an app. */
  readonly clientId: string;
  /**
   * A confidential client's secret (integrations, webapps, confidential apps), sent with HTTP Basic
   * (RFC 6749 §2.3.1). Leave it out for public clients (sales channels, public apps): they send
   * `client_id` alone. Never put a secret in code that runs in a browser.
   */
  readonly clientSecret?: string;
}

/**
 * RFC 6749 §2.3.1: the client id and secret are form-urlencoded (Appendix B) *before* they are
 * joined and base64-encoded, so that a `:` or a non-ASCII character survives the trip.
 */
function formUrlEncode(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/**
 * Adds client authentication to a token or revocation request: HTTP Basic for a confidential
 * client, `client_id` in the body for a public one (RFC 6749 §2.3.1, §3.2.1). One method only,
 * never both (RFC 6749 §2.3).
 */
export function authenticateClient(client: ClientOptions, headers: Record<string, string>, body: URLSearchParams): void {
  if (typeof client.clientId !== 'string' || client.clientId === '') throw new TypeError('clientId is required');
  if (client.clientSecret !== undefined && client.clientSecret !== '') {
    // Both halves are ASCII once form-urlencoded, so btoa (available in every runtime) is exact.
    headers.authorization = `Basic ${btoa(`${formUrlEncode(client.clientId)}:${formUrlEncode(client.clientSecret)}`)}`;
  } else {
    body.set('client_id', client.clientId);
  }
}
