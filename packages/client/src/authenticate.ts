import type { ClientOptions } from './client-options.js';
import type { RequestOptions } from './request-options.js';
import { requestTokens } from './request-tokens.js';
import { type Scope, scopeString } from './scope.js';
import type { TokenSet } from './token-set.js';

/**
 * RFC 7523 §2.1's grant type.
 *
 * @example
 * import { authenticate, JWT_BEARER_GRANT } from '@countersign/client';
 * await authenticate(JWT_BEARER_GRANT, { issuer, clientId, clientSecret, assertion });
 */
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/**
 * The grant-specific fields of each grant, in camelCase (sent as RFC 6749's snake_case).
 *
 * @example
 * const fields: GrantFields['authorization_code'] = { code, redirectUri: 'https://app.example/cb', codeVerifier };
 */
export interface GrantFields {
  /** A guest token (sales channel, with a market in scope) or an integration's own token. */
  client_credentials: object;
  /** A shopper's email and password (sales channels; RFC 6749 §4.3). */
  password: { readonly username: string; readonly password: string };
  /**
   * A code from the authorization endpoint (RFC 6749 §4.1.3). `redirectUri` is required, and must be
   * identical, when it was sent to the authorization endpoint; `codeVerifier` when the request had a
   * `code_challenge` (RFC 7636 §4.5).
   */
  authorization_code: { readonly code: string; readonly redirectUri?: string; readonly codeVerifier?: string };
  /** The latest refresh token (they rotate on every use: the old one dies). */
  refresh_token: { readonly refreshToken: string };
  /** A JWT signed with a key of the credential's `jwks`; see `signAssertion`. */
  'urn:ietf:params:oauth:grant-type:jwt-bearer': { readonly assertion: string };
  /** Short alias of `urn:ietf:params:oauth:grant-type:jwt-bearer`. */
  jwt_bearer: { readonly assertion: string };
}

/**
 * The grants `authenticate` takes: the five of SPEC §3, and `jwt_bearer` as a short alias of the JWT bearer grant.
 *
 * @example
 * const grant: GrantType = hasRefreshToken ? 'refresh_token' : 'client_credentials';
 */
export type GrantType = keyof GrantFields;

/**
 * Options of `authenticate(grant, options)`: the client, the grant's own fields, an optional scope, and the request options.
 *
 * @example
 * const options: AuthenticateOptions<'password'> = { issuer, clientId: salesChannelId, username, password, scope: 'market:code:eu' };
 * const tokens = await authenticate('password', options);
 */
export type AuthenticateOptions<G extends GrantType> = ClientOptions &
  RequestOptions &
  GrantFields[G] & {
    /**
     * Narrows the token (SPEC §2): permission scopes and at most one market (`market:code:eu`), maybe
     * a stock location. Leave it out for every permission scope the client may hold; sales-channel
     * tokens need a market.
     */
    readonly scope?: Scope;
  };

/** Which option feeds which wire parameter, per grant; every one listed is required but `redirectUri` and `codeVerifier`. */
const WIRE: Readonly<Record<string, readonly (readonly [option: string, param: string, required: boolean])[]>> = {
  client_credentials: [],
  password: [
    ['username', 'username', true],
    ['password', 'password', true],
  ],
  authorization_code: [
    ['code', 'code', true],
    ['redirectUri', 'redirect_uri', false],
    ['codeVerifier', 'code_verifier', false],
  ],
  refresh_token: [['refreshToken', 'refresh_token', true]],
  [JWT_BEARER_GRANT]: [['assertion', 'assertion', true]],
};

/**
 * Gets tokens from the token endpoint, `${issuer}/oauth/token` (RFC 6749 §3.2, SPEC §3), for any
 * grant: `client_credentials`, `password`, `authorization_code`, `refresh_token` and
 * `urn:ietf:params:oauth:grant-type:jwt-bearer` (or its alias `jwt_bearer`). The body is
 * form-urlencoded; a confidential client authenticates with HTTP Basic, a public one sends its
 * `client_id`. A grant type this SDK does not know is sent as it is, for the server to judge.
 *
 * @throws {OAuthResponseError} the server refused: `code` is the RFC error (`invalid_grant`,
 *   `invalid_client`, `unauthorized_client`, `unsupported_grant_type`, `invalid_scope`,
 *   `too_many_requests` with `retryAfter`, ...).
 * @throws {NetworkError} no answer, or none within `timeout`.
 * @throws {UnexpectedResponseError} an answer that is not a token response.
 *
 * @example
 * import { authenticate } from '@countersign/client';
 *
 * // An integration (confidential): its own token.
 * const { accessToken, expires } = await authenticate('client_credentials', {
 *   issuer: 'https://auth.example',
 *   clientId: process.env.CLIENT_ID!,
 *   clientSecret: process.env.CLIENT_SECRET!,
 * });
 *
 * // A sales channel (public): a shopper signs in, in the European market.
 * const shopper = await authenticate('password', {
 *   issuer: 'https://auth.example',
 *   clientId: salesChannelId,
 *   username: 'shopper@example.com',
 *   password,
 *   scope: 'market:code:europe',
 * });
 * console.log(shopper.ownerType, shopper.ownerId, shopper.refreshToken);
 */
export async function authenticate<G extends GrantType>(grant: G, options: AuthenticateOptions<G>): Promise<TokenSet> {
  const name: string = grant;
  if (typeof name !== 'string' || name === '') throw new TypeError('grant is required, e.g. "client_credentials"');
  const grantType = name === 'jwt_bearer' ? JWT_BEARER_GRANT : name;
  const given = options as unknown as Record<string, unknown>;
  const params: Record<string, string | undefined> = { grant_type: grantType };
  for (const [option, param, required] of WIRE[grantType] ?? []) {
    const value = given[option];
    if (value === undefined || value === '') {
      if (required) throw new TypeError(`The ${grant} grant needs ${option}`);
      continue;
    }
    if (typeof value !== 'string') throw new TypeError(`${option} must be a string`);
    params[param] = value;
  }
  params.scope = scopeString(options.scope);
  return requestTokens(params, options);
}
