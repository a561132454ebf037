import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AppDependencies } from '../compose/compose-dependencies';
import { provisioningTokenActor } from '../core/provisioning/provisioning-token-actor';
import { referenceApiRoutes } from '../reference-api/reference-api-routes';
import { appExchangeRoutes } from './app-exchange-routes';
import { authorizeRoutes } from './authorize-routes';
import { demoRoutes } from './demo-routes';
import { mapError } from './error-mapper';
import { registerFormBodyParser } from './form-body-parser';
import { healthRoutes } from './health-routes';
import { introspectionRoutes } from './introspection-routes';
import { keyRoutes } from './key-routes';
import { logRedaction, requestSerializer } from './log-redaction';
import { provisioningRoutes } from './provisioning-routes';
import { refuseNulBytes } from './refuse-nul-bytes';
import { revocationRoutes } from './revocation-routes';
import { tokenRoutes } from './token-routes';
import { wellKnownRoutes } from './well-known-routes';

export interface BuildAppOptions {
  /** `false` logs nothing (most tests); a stream receives the JSON log lines (default stdout). */
  logger?: false | { stream: { write(line: string): void } };
}

/** Builds the Fastify instance; never listens (tests use inject(), main.ts calls listen). */
export async function buildApp(deps: AppDependencies, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger:
      options.logger === false
        ? false
        : { level: deps.config.logLevel, redact: logRedaction, serializers: { req: requestSerializer }, stream: options.logger?.stream },
    // A well-formed X-Request-Id from a proxy is kept so logs line up across hops; anything else is replaced.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    bodyLimit: 256 * 1024,
    forceCloseConnections: true,
    // The router's own errors (a malformed %-escape) never reach setErrorHandler and echo the path,
    // which for the app exchange holds the code.
    frameworkErrors: (error, request, reply) => mapError(error, request, reply),
  });
  // Callback-style hooks: no promise per request on the hot path.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  registerFormBodyParser(app);
  refuseNulBytes(app);
  app.setErrorHandler((error, request, reply) => mapError(error, request, reply));
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      errors: [
        { status: '404', code: 'NOT_FOUND', title: 'Not found', detail: `No route for ${request.method} ${request.url.split('?')[0]}` },
      ],
    }),
  );

  await app.register(healthRoutes, { storage: deps.storage });
  await app.register(wellKnownRoutes, { deps });
  const verifyStoreToken = provisioningTokenActor(deps.accessTokenVerifier, deps.tokens);
  await app.register(provisioningRoutes, { deps, verifyStoreToken });
  await app.register(keyRoutes, { deps, verifyStoreToken });
  await app.register(tokenRoutes, { deps });
  await app.register(revocationRoutes, { deps });
  await app.register(introspectionRoutes, { deps });
  await app.register(authorizeRoutes, { deps });
  if (deps.config.demo) await app.register(demoRoutes);
  await app.register(appExchangeRoutes, { deps });
  await app.register(referenceApiRoutes, { deps });
  return app;
}
