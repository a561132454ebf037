/**
 * A problem with an authorization request that must NOT be reported by redirecting (RFC 6749
 * §4.1.2.1, RFC 9700 §4.1): the client is unknown, the redirect URI is not registered exactly, or the
 * client is used on the other side's path. The HTTP layer renders it as a 400 HTML page.
 */
export class AuthorizationPageError extends Error {
  constructor(
    readonly title: string,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'AuthorizationPageError';
  }
}
