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

export type { ApplicationKind, Audience, CountersignClaims, Mode, TokenStore } from './claims';
export type { Guard, GuardOptions, GuardRequirement } from './create-guard';
export { createGuard, tokenStoreIds } from './create-guard';
export type { ForbiddenReason, InvalidTokenReason } from './errors';
export { CountersignError, ForbiddenError, InvalidTokenError, JwksUnavailableError } from './errors';
export type { JwksGetter, KeySourceOptions } from './key-source';
export type { VerifyTokenOptions } from './verify-token';
export { verifyToken } from './verify-token';
