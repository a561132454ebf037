/** RFC 6749 §2.3 / RFC 8414 names of the ways a client authenticated at the token endpoint. */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

/** What the request claims about its client, before anything is checked. */
export interface PresentedClient {
  readonly clientId: string;
  readonly secret: string | undefined;
  readonly method: ClientAuthMethod;
}
