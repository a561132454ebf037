import { issuerEndpoint } from './issuer-endpoint.js';
import { type Scope, scopeString } from './scope.js';

/**
 * The authorization endpoint's paths (SPEC §3): `/oauth/authorize` (any client; `/auth/authorize`
 * is its alias), the storefront's `/oauth2-token/authorize` (shoppers sign in; sales channels only)
 * and the back office's `/{prefix}/oauth2-token/authorize` (staff sign in; webapps and apps; the
 * prefix is the server's `COUNTERSIGN_BACKOFFICE_PREFIX`, `admin` by default).
 *
 * @example
 * const path: AuthorizePath = '/admin/oauth2-token/authorize'; // the back office, default prefix
 * const url = authorizeUrl({ issuer, clientId: webappId, path });
 */
export type AuthorizePath = '/oauth/authorize' | '/auth/authorize' | '/oauth2-token/authorize' | `/${string}/oauth2-token/authorize`;

/**
 * What goes into an authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3).
 *
 * @example
 * const options: AuthorizeUrlOptions = { issuer, clientId, redirectUri, state, codeChallenge };
 * response.redirect(authorizeUrl(options));
 */
export interface AuthorizeUrlOptions {
  /** The issuer as a plain URL, e.g. `https://auth.example`. */
  readonly issuer: string;
  readonly clientId: string;
  /** Must be registered exactly (loopback hosts may differ in port); may be left out when the client has exactly one. */
  readonly redirectUri?: string;
  /** Left out: every permission scope the client may hold. */
  readonly scope?: Scope;
  /** Opaque value echoed back on the redirect: bind it to the user's session and check it there (see `generateState`). */
  readonly state?: string;
  /** `codeChallengeS256(verifier)`: required for public clients, recommended for all. Sent with `code_challenge_method=S256`. */
  readonly codeChallenge?: string;
  /** Which authorization endpoint; default `/oauth/authorize`. */
  readonly path?: AuthorizePath;
}

const PATH = /^\/(?:[A-Za-z0-9._~-]+\/)*[A-Za-z0-9._~-]+$/;

/**
 * Builds the URL to send a person's browser to, to sign in and approve your client:
 * `${issuer}${path}?response_type=code&client_id=...` with `redirect_uri`, `scope`, `state` and the
 * PKCE `code_challenge` (always `S256`, the only method Countersign accepts). The answer comes back
 * to the redirect URI as `code`, `state` and `iss` (RFC 9207), or `error`.
 *
 * @example
 * import { authorizeUrl, codeChallengeS256, generateCodeVerifier, generateState } from '@countersign/client';
 *
 * const verifier = generateCodeVerifier();
 * const state = generateState();
 * session.set({ verifier, state }); // to check on the redirect, then send with the code
 * const url = authorizeUrl({
 *   issuer: 'https://auth.example',
 *   clientId: webappId,
 *   redirectUri: 'https://backoffice.example/callback',
 *   scope: ['stores.view', 'stores.orders.view'],
 *   state,
 *   codeChallenge: await codeChallengeS256(verifier),
 *   path: '/admin/oauth2-token/authorize', // the back office: staff sign in
 * });
 * response.redirect(url);
 */
export function authorizeUrl(options: AuthorizeUrlOptions): string {
  if (typeof options.clientId !== 'string' || options.clientId === '') throw new TypeError('clientId is required');
  const path = options.path ?? '/oauth/authorize';
  if (!PATH.test(path)) throw new TypeError(`path must be a path such as /oauth/authorize, got ${JSON.stringify(path)}`);
  const query = new URLSearchParams({ response_type: 'code', client_id: options.clientId });
  if (options.redirectUri) query.set('redirect_uri', options.redirectUri);
  const scope = scopeString(options.scope);
  if (scope !== undefined) query.set('scope', scope);
  if (options.state !== undefined && options.state !== '') query.set('state', options.state);
  if (options.codeChallenge !== undefined && options.codeChallenge !== '') {
    query.set('code_challenge', options.codeChallenge);
    query.set('code_challenge_method', 'S256');
  }
  return `${issuerEndpoint(options.issuer, path)}?${query.toString()}`;
}
