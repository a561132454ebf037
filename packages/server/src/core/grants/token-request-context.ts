/** What the HTTP layer knows about a token request besides its parameters. */
export interface TokenRequestContext {
  /**
   * The rate-limit key of the client's address (IPv6 per /64), for failed-attempt throttling. A
   * function, so that only the grants that throttle (password) pay for working it out.
   */
  clientAddress(): string;
}
