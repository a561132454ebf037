/**
 * The one base class of every error that crosses the core's boundary (DESIGN.md: errors in one
 * vocabulary, mapped in one place). `code` is the wire code (RFC 6749 §5.2 and §4.1.2.1, RFC 6750,
 * RFC 7009, or the provisioning API's and the app exchange's own), `status` the HTTP status,
 * `description` a sentence safe to show the caller. The HTTP layer renders it once per wire format
 * (http/errors/); the core never builds a response, a redirect or a page.
 */
export abstract class CountersignError extends Error {
  abstract readonly code: string;
  readonly status: number = 400;
  /**
   * RFC 6749 §4.1.2.1: whether the authorization endpoint may report it by redirecting back to the
   * client (with `error`, `state` and `iss`), once the client and its redirect URI are known good.
   * Errors about the client or the redirect URI themselves never redirect (RFC 9700 §4.1).
   */
  readonly allowRedirect: boolean = true;

  constructor(readonly description: string) {
    super(description);
    this.name = new.target.name;
  }

  /** The short human title of the JSON:API rendering; the code unless a family says otherwise. */
  get title(): string {
    return this.code;
  }
}
