/**
 * Countersign client SDK (SPEC §8): getting tokens (`authenticate` for every grant, `refresh`,
 * `revoke`, `exchangeCode` for apps, `authorizeUrl` with PKCE helpers, `signAssertion`, a token
 * manager), reading them (`decodeToken`), and checking them on a resource server (`verifyToken`,
 * `createGuard` with `createRevocationList`, mounted with `fastifyGuard` or `expressGuard`), with one vocabulary of typed errors. Everything here is on the wire: no import from
 * the server. Runs on Node ≥ 20.11 and in browsers (WebCrypto, `fetch`).
 *
 * @example
 * import { authenticate, createGuard, isCountersignClientError } from '@countersign/client';
 */

export type { AuthenticateOptions, GrantFields, GrantType } from './authenticate.js';
export { authenticate, JWT_BEARER_GRANT } from './authenticate.js';
export type { AuthorizePath, AuthorizeUrlOptions } from './authorize-url.js';
export { authorizeUrl } from './authorize-url.js';
export type { ApplicationKind, Audience, CountersignClaims, Mode, TokenStore } from './claims.js';
export type { ClientOptions } from './client-options.js';
export { codeChallengeS256 } from './code-challenge-s256.js';
export type { CountersignClientError } from './countersign-client-error.js';
export { isCountersignClientError } from './countersign-client-error.js';
export type { Guard, GuardOptions, GuardRequirement } from './create-guard.js';
export { createGuard, tokenStoreIds } from './create-guard.js';
export type { RedisSubscriber, RevocationList, RevocationListOptions } from './create-revocation-list.js';
export { CHANGE_CHANNEL, CHANGES_PATH, createRevocationList } from './create-revocation-list.js';
export type { TokenManager, TokenManagerOptions } from './create-token-manager.js';
export { createTokenManager } from './create-token-manager.js';
export type { DecodedToken, TokenHeader } from './decode-token.js';
export { decodeToken } from './decode-token.js';
export type { ForbiddenReason, InvalidTokenReason } from './errors.js';
export { CountersignError, ForbiddenError, InvalidTokenError, JwksUnavailableError, RevocationDataStaleError } from './errors.js';
export type { ExchangeCodeOptions } from './exchange-code.js';
export { exchangeCode } from './exchange-code.js';
export type { ExchangeErrorCode } from './exchange-error.js';
export { ExchangeError } from './exchange-error.js';
export { generateCodeVerifier } from './generate-code-verifier.js';
export { generateState } from './generate-state.js';
export type {
  ExpressRequestLike,
  ExpressResponseLike,
  FastifyInstanceLike,
  FastifyReplyLike,
  FastifyRequestLike,
  GuardErrorResponse,
  RequirementOf,
} from './guard-middleware.js';
export { expressGuard, fastifyGuard, guardErrorResponse } from './guard-middleware.js';
export { TOKEN_PATH } from './issuer-endpoint.js';
export type { JwksGetter, KeySourceOptions } from './key-source.js';
export type { NetworkErrorReason } from './network-error.js';
export { NetworkError } from './network-error.js';
export type { OAuthErrorCode } from './oauth-response-error.js';
export { OAuthResponseError } from './oauth-response-error.js';
export type { RefreshOptions } from './refresh.js';
export { refresh } from './refresh.js';
export type { RequestOptions } from './request-options.js';
export type { RevokeOptions } from './revoke.js';
export { revoke } from './revoke.js';
export type { Scope } from './scope.js';
export type { AssertionAlgorithm, SignAssertionOptions } from './sign-assertion.js';
export { signAssertion } from './sign-assertion.js';
export type { TokenSet } from './token-set.js';
export { UnexpectedResponseError } from './unexpected-response-error.js';
export type { VerifyTokenOptions } from './verify-token.js';
export { verifyToken } from './verify-token.js';
