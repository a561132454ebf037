import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { NotFoundError } from '../core/errors/record-errors';
import { type ReferenceApiRoutesOptions, referenceApiRoutes } from '../reference-api/reference-api-routes';
import { asyncStdout, registerAccessLog } from './access-log';
import { type AppExchangeRoutesOptions, appExchangeRoutes, isAppExchangePath } from './app-exchange-routes';
import { type AuthorizeRoutesOptions, authorizeRoutes } from './authorize-routes';
import { type ChangeFeedRoutesOptions, changeFeedRoutes } from './change-feed-routes';
import { type DashboardRoutesOptions, dashboardRoutes } from './dashboard/dashboard-routes';
import { demoRoutes } from './demo-routes';
import { errorHandler } from './errors/error-handler';
import { renderJsonApiError } from './errors/render-json-api-error';
import type { WireFormat } from './errors/wire-format';
import { registerFormBodyParser } from './form-body-parser';
import { type HealthRoutesOptions, healthRoutes } from './health-routes';
import { type IntrospectionRoutesOptions, introspectionRoutes } from './introspection-routes';
import { type KeyRoutesOptions, keyRoutes } from './key-routes';
import { logRedaction, requestSerializer } from './log-redaction';
import { type MetricsRoutesOptions, registerMetrics } from './metrics-routes';
import { type OpenApiRoutesOptions, openApiRoutes } from './openapi/openapi-routes';
import { type PageSecurityOptions, registerPageSecurity } from './page-security';
import { type ProvisioningRoutesOptions, provisioningRoutes } from './provisioning-routes';
import { refuseNulBytes } from './refuse-nul-bytes';
import { type RevocationRoutesOptions, revocationRoutes } from './revocation-routes';
import { siteRoutes } from './site-routes';
import { type TokenRoutesOptions, tokenRoutes } from './token-routes';
import { type WellKnownRoutesOptions, wellKnownRoutes } from './well-known-routes';

/** Every plugin's options, each built once by the composition root (compose/app-options.ts). */
export interface AppOptions {
  readonly issuer: string;
  /** Fastify's `trustProxy`: which peers' X-Forwarded-For sets `request.ip` (client-address.ts). */
  readonly trustProxy?: (address: string, hop: number) => boolean;
  readonly logLevel: string;
  /** GET /metrics and the hooks that feed it; absent when COUNTERSIGN_METRICS_TOKEN is unset. */
  readonly metrics?: MetricsRoutesOptions;
  /** Serve the demo callback page (COUNTERSIGN_DEMO). */
  readonly demo: boolean;
  readonly health: HealthRoutesOptions;
  readonly wellKnown: WellKnownRoutesOptions;
  readonly provisioning: ProvisioningRoutesOptions;
  readonly keys: KeyRoutesOptions;
  readonly token: TokenRoutesOptions;
  readonly revocation: RevocationRoutesOptions;
  readonly introspection: IntrospectionRoutesOptions;
  /** `GET /provisioning/v1/openapi.json`, assembled from the routes' declared operations. */
  readonly openApi: OpenApiRoutesOptions;
  /** `GET /oauth/changes`, the pollable change feed (SPEC §4). */
  readonly changeFeed: ChangeFeedRoutesOptions;
  /** The cookies and CSRF protection every page with a form shares. */
  readonly pages: PageSecurityOptions;
  readonly authorize: AuthorizeRoutesOptions;
  readonly dashboard: DashboardRoutesOptions;
  readonly exchange: AppExchangeRoutesOptions;
  readonly referenceApi: Omit<ReferenceApiRoutesOptions, 'onOtherError'>;
}

export interface BuildAppOptions {
  /** Told of every route as it is registered (tests compare the route table with the OpenAPI document). */
  onRoute?: (route: { readonly method: string | string[]; readonly url: string }) => void;
  /** `false` logs nothing (most tests); a stream receives the JSON log lines (default: stdout, asynchronously). */
  logger?: false | { stream: { write(line: string): void } };
}

/**
 * The wire format of a request that matched no route (a malformed URL the router refused): the app
 * exchange's envelope for a path of its shape, JSON:API for everything else. Beside the route table,
 * which it mirrors.
 */
const unroutedWire = (url: string): WireFormat => (isAppExchangePath(url) ? 'exchange' : 'jsonapi');

/** Builds the Fastify instance; never listens (tests use inject(), main.ts calls listen). */
export async function buildApp(options: AppOptions, build: BuildAppOptions = {}): Promise<FastifyInstance> {
  const handleError = errorHandler({ issuer: options.issuer, unroutedWire });
  const app = Fastify({
    logger:
      build.logger === false
        ? false
        : {
            level: options.logLevel,
            redact: logRedaction,
            serializers: { req: requestSerializer },
            stream: build.logger?.stream ?? asyncStdout(),
          },
    // One access line per request instead of two (access-log.ts): Fastify's own are off.
    logController: new LogController({ disableRequestLogging: true }),
    // A well-formed X-Request-Id from a proxy is kept so logs line up across hops; anything else is replaced.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    trustProxy: options.trustProxy ?? false,
    bodyLimit: 256 * 1024,
    // At close, idle keep-alive connections are closed and requests in flight finish (graceful shutdown).
    forceCloseConnections: 'idle',
    // The router's own errors (a malformed %-escape) never reach setErrorHandler and echo the path,
    // which for the app exchange holds the code.
    frameworkErrors: handleError,
  });
  const onRoute = build.onRoute;
  if (onRoute) app.addHook('onRoute', (route) => onRoute(route));
  // Callback-style hooks: no promise per request on the hot path.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  if (build.logger !== false) registerAccessLog(app);
  if (options.metrics) registerMetrics(app, options.metrics);
  registerFormBodyParser(app);
  refuseNulBytes(app);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) =>
    renderJsonApiError(new NotFoundError(`No route for ${request.method} ${request.url.split('?')[0]}`), request, reply),
  );

  // First: its onRoute hook must see every provisioning route registered after it.
  await app.register(openApiRoutes, options.openApi);
  await app.register(healthRoutes, options.health);
  await app.register(wellKnownRoutes, options.wellKnown);
  await app.register(provisioningRoutes, options.provisioning);
  await app.register(keyRoutes, options.keys);
  await app.register(tokenRoutes, options.token);
  await app.register(revocationRoutes, options.revocation);
  await app.register(introspectionRoutes, options.introspection);
  await app.register(changeFeedRoutes, options.changeFeed);
  // The pages (SPEC §3, §7) share one context: its cookies and CSRF protection, and nothing else sees them.
  await app.register(async (pages) => {
    await registerPageSecurity(pages, options.pages);
    await pages.register(authorizeRoutes, options.authorize);
    await pages.register(dashboardRoutes, options.dashboard);
    await pages.register(siteRoutes);
  });
  if (options.demo) await app.register(demoRoutes);
  await app.register(appExchangeRoutes, options.exchange);
  await app.register(referenceApiRoutes, { ...options.referenceApi, onOtherError: handleError });
  return app;
}
