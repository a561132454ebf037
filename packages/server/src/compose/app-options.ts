import type { FastifyRequest } from 'fastify';
import { isChangeFeedCursor } from '../adapters/sql/change-feed-repository';
import { provisioningRepository } from '../adapters/sql/provisioning-repository';
import { referenceApiRepository } from '../adapters/sql/reference-api-repository';
import type { PrometheusMetrics } from '../adapters/system/prometheus-metrics';
import { consentSubject } from '../core/authorize/consent-subject';
import { exchangeAppCode } from '../core/authorize/exchange-app-code';
import { issueAuthorizationCode } from '../core/authorize/issue-authorization-code';
import { reusableConsent } from '../core/authorize/reuse-consent';
import { resolveAuthorizationTarget, validateAuthorizationRequest } from '../core/authorize/validate-authorization-request';
import { authenticateClient } from '../core/client-auth/authenticate-client';
import { accountActivity } from '../core/dashboard/account-activity';
import { nameAuditEntries } from '../core/dashboard/audit-names';
import { connectedApps } from '../core/dashboard/connected-apps';
import { revokeConnectedApp } from '../core/dashboard/revoke-connected-app';
import { signUp } from '../core/dashboard/sign-up';
import { handleTokenRequest } from '../core/grants/handle-token-request';
import { revokeToken } from '../core/grants/revoke-token';
import type { TokenResponse } from '../core/grants/token-response';
import { signIn } from '../core/people/sign-in';
import type { SignUpActor } from '../core/provisioning/provisioning-actor';
import { provisioningTokenActor } from '../core/provisioning/provisioning-token-actor';
import { ApiKeyIssuer } from '../core/tokens/api-key-issuer';
import { introspectToken } from '../core/tokens/introspect-token';
import { readChangeFeed } from '../core/tokens/read-change-feed';
import type { AppOptions } from '../http/build-app';
import { rateLimitKey, requestClientAddress, trustedProxyHop } from '../http/client-address';
import { authenticateProvisioning, isAdminToken } from '../http/provisioning-auth';
import { tokenRateLimit } from '../http/token-rate-limit';
import { referenceApiGuard } from '../reference-api/reference-api-guard';
import type { AppDependencies } from './compose-dependencies';
import { rotateKeys } from './rotate-keys';

const SIGN_UP: SignUpActor = { kind: 'signup' };

/**
 * Each plugin's options, from the composed dependencies: every plugin gets the few functions it calls,
 * with their collaborators bound here, and none of them sees storage or the whole of the dependencies
 * (DESIGN.md: each use case names what it needs).
 */
export function appOptions(deps: AppDependencies): AppOptions {
  const { config, grants: services } = deps;
  const addressKey = (request: FastifyRequest) => rateLimitKey(requestClientAddress(request, config.trustedProxies));
  const authenticate = (presented: Parameters<typeof authenticateClient>[0]) =>
    authenticateClient(presented, services.clients, services.hasher, services.clock);
  const verifyStoreToken = provisioningTokenActor(deps.accessTokenVerifier, deps.tokens);
  const authenticateActor = (authorization: string | undefined) =>
    authenticateProvisioning(authorization, config.adminToken, verifyStoreToken);
  const apiKeys = new ApiKeyIssuer(deps.keyRing, deps.clock, deps.random);
  const secureCookies = config.env === 'production';
  // Read-only, for the dashboard's logs; every write goes through deps.provisioning.
  const provisioningStore = provisioningRepository(deps.storage.db, deps.storage.dialect);

  return {
    issuer: config.issuer,
    trustProxy: trustedProxyHop(config.trustedProxies),
    logLevel: config.logLevel,
    metrics: deps.metrics && {
      metrics: deps.metrics,
      token: config.metricsToken as string,
      exposition: () => (deps.metrics as PrometheusMetrics).exposition(),
    },
    demo: config.demo,
    health: { ping: () => deps.storage.ping() },
    wellKnown: { issuer: config.issuer, jwksJson: () => deps.keyRing.jwksJson() },
    provisioning: { service: deps.provisioning, authenticate: authenticateActor, policy: config },
    openApi: { issuer: config.issuer, version: '1' },
    keys: { authenticate: authenticateActor, rotateKeys: (compromised, actor) => rotateKeys(deps, compromised, actor) },
    token: {
      handleTokenRequest: (params, presented, context) => handleTokenRequest(params, presented, services, context),
      rateLimit: tokenRateLimit(deps.rateLimiting.tokenLimiter, config.tokenRateLimit, addressKey),
      addressKey,
      issued: deps.metrics && tokenMetrics(deps.metrics),
    },
    revocation: { authenticate, revoke: (client, token) => revokeToken(client, token, deps.tokens) },
    introspection: {
      authenticate,
      isAdminToken: (token) => isAdminToken(token, config.adminToken),
      introspect: (caller, token) => introspectToken(caller, token, deps.tokens),
    },
    changeFeed: {
      authenticate,
      isAdminToken: (token) => isAdminToken(token, config.adminToken),
      isCursor: isChangeFeedCursor,
      read: (caller, since) => readChangeFeed(caller, since, { feed: deps.changeFeed, clock: deps.clock }),
    },
    pages: { cookieSecret: deps.cookieSecret, secureCookies },
    authorize: {
      issuer: config.issuer,
      secureCookies,
      backofficePrefix: config.backofficePrefix,
      stores: services.stores,
      people: services.people,
      sessions: deps.sessions,
      resolveTarget: (query, side) => resolveAuthorizationTarget(query, side, { clients: services.clients, env: config.env }),
      validate: (target, query) => validateAuthorizationRequest(target, query, { markets: services.markets }),
      signIn: (request) => signIn(request, services),
      consentSubject: (request, owner, chosen) => consentSubject(request, owner, services, chosen),
      reusableConsent: (request, subject) => reusableConsent(request, subject, services),
      issueCode: (request, subject) =>
        issueAuthorizationCode(request, subject, {
          random: deps.random,
          clock: deps.clock,
          codes: services.codes,
          hash: (value) => deps.secretHasher.hash(value),
          codeTtlSeconds: config.codeTtl,
        }),
      addressKey,
    },
    dashboard: {
      secureCookies,
      sessions: deps.sessions,
      signUpOpen: config.signUp,
      lifetime: { min: config.tokenLifetimeMin, max: config.tokenLifetimeMax },
      signIn: (request) => signIn(request, services),
      signUp: (request) =>
        signUp(request, {
          open: config.signUp,
          createUser: async (body) => (await deps.provisioning.create(SIGN_UP, 'users', undefined, body)).record,
          failedAttempts: services.failedAttempts,
        }),
      findUser: (id) => services.people.findUser(id),
      memberships: (userId) => services.stores.membershipsOf(userId),
      records: deps.provisioning,
      connectedApps: (userId) =>
        connectedApps(userId, {
          listGrants: (id) => deps.provisioning.listGrants({ kind: 'user', userId: id }, { userId: id }),
          clients: services.clients,
          stores: services.stores,
          people: services.people,
        }),
      revokeConnectedApp: (userId, clientId) => revokeConnectedApp(userId, clientId, { ...services, grants: services.grants }),
      accountActivity: (userId, query) => accountActivity(userId, query, provisioningStore),
      nameEntries: (entries) => nameAuditEntries(entries, { ...services, records: provisioningStore }),
      addressKey,
    },
    exchange: { exchange: (request) => exchangeAppCode(request, { ...services, apiKeys }), addressKey },
    referenceApi: {
      guard: referenceApiGuard({
        issuer: config.issuer,
        jwksJson: () => deps.keyRing.jwksJson(),
        clock: deps.clock,
        liveness: deps.tokens,
      }),
      records: referenceApiRepository(deps.storage.db),
      backofficePrefix: config.backofficePrefix,
    },
  };
}

/** Counts a token answer's tokens by kind and grant type (a grant type is known once a token was issued). */
function tokenMetrics(metrics: PrometheusMetrics): (grantType: string, response: TokenResponse) => void {
  return (grantType, response) => {
    metrics.tokenIssued('access_token', grantType);
    if (response.refresh_token !== undefined) metrics.tokenIssued('refresh_token', grantType);
  };
}
