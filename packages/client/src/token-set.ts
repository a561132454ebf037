import { UnexpectedResponseError } from './unexpected-response-error.js';

/**
 * A successful token response (SPEC §3) in camelCase, as `@commercelayer/js-auth` returns it, with
 * `expires` worked out for you.
 *
 * @example
 * const tokens: TokenSet = await authenticate('client_credentials', { issuer, clientId, clientSecret });
 * if (tokens.expires.getTime() - Date.now() < 60_000) console.log('about to expire');
 */
export interface TokenSet {
  /** The access token (a JWT, RFC 9068): send it as `Authorization: Bearer <accessToken>`. */
  readonly accessToken: string;
  /** Always `Bearer`. */
  readonly tokenType: string;
  /** Seconds the access token lives from `createdAt`. */
  readonly expiresIn: number;
  /** When the access token expires: `createdAt + expiresIn`, on the server's clock. */
  readonly expires: Date;
  /** The granted scope: permission scopes, then restriction entries. */
  readonly scope: string;
  /** When the server issued the token, in Unix seconds. */
  readonly createdAt: number;
  /** For grants that act for a person, on clients that may refresh (sales channels, webapps, apps). Rotates on every use. */
  readonly refreshToken?: string;
  /** The person the token acts for, when there is one. */
  readonly ownerId?: string;
  readonly ownerType?: 'customer' | 'user';
}

const isString = (value: unknown): value is string => typeof value === 'string' && value !== '';
const isSeconds = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;

/** Reads the wire body `{access_token, token_type, expires_in, scope, created_at, ...}`; anything else is an UnexpectedResponseError. */
export function toTokenSet(status: number, body: unknown): TokenSet {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (!isString(b.access_token) || !isString(b.token_type) || !isSeconds(b.expires_in) || !isSeconds(b.created_at)) {
    throw new UnexpectedResponseError(status, 'The token endpoint answered without access_token, token_type, expires_in and created_at');
  }
  if (b.refresh_token !== undefined && !isString(b.refresh_token)) {
    throw new UnexpectedResponseError(status, 'The token endpoint answered with a refresh_token that is not a string');
  }
  const ownerType = b.owner_type === 'customer' || b.owner_type === 'user' ? b.owner_type : undefined;
  return {
    accessToken: b.access_token,
    tokenType: b.token_type,
    expiresIn: b.expires_in,
    expires: new Date((b.created_at + b.expires_in) * 1000),
    scope: typeof b.scope === 'string' ? b.scope : '',
    createdAt: b.created_at,
    ...(isString(b.refresh_token) ? { refreshToken: b.refresh_token } : {}),
    ...(isString(b.owner_id) ? { ownerId: b.owner_id } : {}),
    ...(ownerType ? { ownerType } : {}),
  };
}
