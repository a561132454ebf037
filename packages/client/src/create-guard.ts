import { decodeProtectedHeader } from 'jose';
import type { Audience, CountersignClaims, Mode } from './claims.js';
import type { RevocationList } from './create-revocation-list.js';
import { ForbiddenError, InvalidTokenError, RevocationDataStaleError } from './errors.js';
import { keySource } from './key-source.js';
import { type VerifyTokenOptions, verifyWithKeys } from './verify-token.js';

/**
 * What one request needs of its token.
 *
 * @example
 * const requirement: GuardRequirement = { audience: 'backoffice', scopes: ['stores.orders.view'], storeId, mode: 'live' };
 * const claims = await guard.check(request.headers.authorization, requirement);
 */
export interface GuardRequirement {
  /** The side of the API: `storefront` takes sales-channel tokens, `backoffice` every other kind. */
  readonly audience: Audience;
  /** Permission scopes the token must all hold (restriction entries are not permissions). */
  readonly scopes?: readonly string[];
  /** Refuse tokens of the other mode. */
  readonly mode?: Mode;
  /** The store the request acts on: it must be the token's `store` or one of its `stores`. */
  readonly storeId?: string;
}

/**
 * What `createGuard` needs: the issuer and its keys (as `verifyToken`), and how to tell a revoked token.
 *
 * @example
 * const options: GuardOptions = { issuer, jwksUri: `${issuer}/.well-known/jwks.json`, isRevoked: (claims) => denylist.has(claims.jti) };
 * const guard = createGuard(options);
 */
export interface GuardOptions extends VerifyTokenOptions {
  /**
   * Countersign's revocations as `createRevocationList` keeps them (the change feed, and Redis when
   * given): a token whose `jti`, grant or client was revoked is refused, and an API key is refused
   * while the list is not fresh (fail closed, `RevocationDataStaleError`).
   */
  readonly revocations?: RevocationList;
  /**
   * Whether a verified token has been revoked since it was issued (its `jti` or its `grant_id`).
   * Called after every other check passed; `true` refuses the token with `invalid_token`.
   */
  readonly isRevoked?: (claims: CountersignClaims) => Promise<boolean> | boolean;
}

/**
 * A request guard for a resource server; see `createGuard`.
 *
 * @example
 * const guard: Guard = createGuard({ issuer, jwksUri });
 * app.addHook('preHandler', async (request) => {
 *   request.claims = await guard.check(request.headers.authorization, { audience: 'storefront' });
 * });
 */
export interface Guard {
  /**
   * Checks an `Authorization` header against a requirement and returns the token's claims.
   *
   * @throws {InvalidTokenError} no token, not `Bearer`, or a token that does not verify or is revoked (401).
   * @throws {ForbiddenError} a valid token that may not make this request (403).
   * @throws {RevocationDataStaleError} an API key while the revocation data is stale (503).
   * @throws {JwksUnavailableError} the issuer's keys could not be fetched (503).
   */
  check(authorization: string | null | undefined, requirement: GuardRequirement): Promise<CountersignClaims>;
}

/**
 * Builds a request guard for a resource server: it verifies the bearer token (as `verifyToken`,
 * with one key cache for the guard's life), then the audience, the permission scopes, the store and
 * the mode, then revocation: `revocations` (Countersign's change channel, see
 * `createRevocationList`) and/or your own `isRevoked`. Build it once, at start, and call `check` per
 * request (or mount it with `fastifyGuard` or `expressGuard`).
 *
 * @example
 * import { createGuard, createRevocationList } from '@countersign/client';
 *
 * const guard = createGuard({
 *   issuer: 'https://auth.example',
 *   jwksUri: 'https://auth.example/.well-known/jwks.json',
 *   revocations: createRevocationList({ issuer: 'https://auth.example', clientId, clientSecret }),
 *   apiKeys: true, // apps' API keys too: only with revocation data
 * });
 *
 * const claims = await guard.check(request.headers.authorization, {
 *   audience: 'backoffice',
 *   scopes: ['stores.view'],
 *   storeId: request.params.id,
 * });
 */
export function createGuard(options: GuardOptions): Guard {
  // SPEC §4: an API key has no expiry, so a guard without revocation data must never accept one.
  if (options.apiKeys && !options.isRevoked && !options.revocations) {
    throw new TypeError('apiKeys needs revocations or isRevoked: an API key is valid until revoked');
  }
  const keys = keySource(options);
  return {
    async check(authorization, requirement) {
      const token = bearerToken(authorization);
      const claims = await verifyWithKeys(token, keys, options);
      checkRequirement(claims, requirement);
      const revocations = options.revocations;
      if (revocations?.isRevoked(claims, decodeProtectedHeader(token).kid)) {
        throw new InvalidTokenError('revoked', 'The access token has been revoked');
      }
      // SPEC §4: an API key (no exp) is only as safe as the revocation data: refuse it when that is stale.
      if (revocations && claims.exp === undefined && !revocations.isFresh()) {
        throw new RevocationDataStaleError('The revocation data is stale: API keys are refused until the change feed answers again');
      }
      if (options.isRevoked && (await options.isRevoked(claims))) {
        throw new InvalidTokenError('revoked', 'The access token has been revoked');
      }
      return claims;
    },
  };
}

/** RFC 6750 §2.1: `Bearer <token>`, the scheme case-insensitive (RFC 9110 §11.1). */
function bearerToken(authorization: string | null | undefined): string {
  if (authorization === undefined || authorization === null || authorization.trim() === '') {
    throw new InvalidTokenError('missing', 'No access token');
  }
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(authorization);
  if (!match) throw new InvalidTokenError('malformed', 'The Authorization header is not a Bearer token');
  return match[1] as string;
}

/**
 * The ids of the token's stores: its `store` (credential tokens) or its `stores` (app tokens).
 *
 * @example
 * const claims = await guard.check(header, { audience: 'backoffice', scopes: ['stores.view'] });
 * const markets = await listMarkets(tokenStoreIds(claims), claims.test ? 'test' : 'live');
 */
export function tokenStoreIds(claims: CountersignClaims): string[] {
  return [...(claims.store ? [claims.store.id] : []), ...(claims.stores ?? []).map((s) => s.id)];
}

/** Permission scopes only: restriction entries (`market:...`, `stock_location:...`) carry a colon. */
function permissionScopes(scope: string): Set<string> {
  return new Set(scope.split(' ').filter((entry) => entry !== '' && !entry.includes(':')));
}

function checkRequirement(claims: CountersignClaims, requirement: GuardRequirement): void {
  if (claims.aud !== requirement.audience) {
    throw new ForbiddenError('audience', `This API takes ${requirement.audience} tokens; this one is a ${claims.aud} token`);
  }
  const held = permissionScopes(claims.scope);
  const missing = (requirement.scopes ?? []).filter((scope) => !held.has(scope));
  if (missing.length > 0) throw new ForbiddenError('scope', `The token lacks the scope ${missing.join(' ')}`, missing);
  if (requirement.mode !== undefined && (claims.test ? 'test' : 'live') !== requirement.mode) {
    throw new ForbiddenError('mode', `This request needs a ${requirement.mode} token`);
  }
  if (requirement.storeId !== undefined && !tokenStoreIds(claims).includes(requirement.storeId)) {
    throw new ForbiddenError('store', 'The token is not for this store');
  }
}
