/**
 * Countersign client SDK (SPEC §8). This first slice is the resource-server side: `verifyToken` and
 * the request guard `createGuard`, with typed errors. The grants, the token manager and the change
 * channel arrive in later slices. No import from the server: everything here is on the wire.
 *
 * @example
 * import { createGuard, InvalidTokenError, ForbiddenError } from '@countersign/client';
 */

/**
 * The token endpoint's path on a Countersign issuer (SPEC §3), shared by value with the server.
 *
 * @example
 * import { TOKEN_PATH } from '@countersign/client';
 * const url = new URL(TOKEN_PATH, 'https://auth.example'); // https://auth.example/oauth/token
 */
export const TOKEN_PATH = '/oauth/token';

export type { ApplicationKind, Audience, CountersignClaims, Mode, TokenStore } from './claims.js';
export type { CountersignClientError } from './countersign-client-error.js';
export { isCountersignClientError } from './countersign-client-error.js';
export type { Guard, GuardOptions, GuardRequirement } from './create-guard.js';
export { createGuard, tokenStoreIds } from './create-guard.js';
export type { ForbiddenReason, InvalidTokenReason } from './errors.js';
export { CountersignError, ForbiddenError, InvalidTokenError, JwksUnavailableError } from './errors.js';
export type { ExchangeErrorCode } from './exchange-error.js';
export { ExchangeError } from './exchange-error.js';
export type { JwksGetter, KeySourceOptions } from './key-source.js';
export type { NetworkErrorReason } from './network-error.js';
export { NetworkError } from './network-error.js';
export type { OAuthErrorCode } from './oauth-response-error.js';
export { OAuthResponseError } from './oauth-response-error.js';
export { UnexpectedResponseError } from './unexpected-response-error.js';
export type { VerifyTokenOptions } from './verify-token.js';
export { verifyToken } from './verify-token.js';
