import { CountersignError } from './countersign-error';

/**
 * A problem with an authorization request that must NOT be reported by redirecting (RFC 6749
 * §4.1.2.1, RFC 9700 §4.1): the client is unknown, the redirect URI is not registered exactly, the
 * client is used on the other side's path, or a form of the pages is broken. Rendered as a 400 HTML
 * page with `title` and the description.
 */
export class AuthorizationPageError extends CountersignError {
  readonly code = 'invalid_request';
  override readonly allowRedirect = false;
  readonly #title: string;

  constructor(title: string, detail: string) {
    super(detail);
    this.#title = title;
  }

  override get title(): string {
    return this.#title;
  }

  get detail(): string {
    return this.description;
  }
}
