import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TooManyRequestsError } from '../core/errors/oauth-errors';
import { isGrantType } from '../core/grants/grant-types';
import { classifyError } from './errors/classify-error';

/** What the HTTP layer records (adapters/system/prometheus-metrics.ts implements it). */
export interface HttpMetrics {
  request(method: string, route: string, grantType: string, statusCode: number, seconds: number): void;
  tokenIssued(kind: 'access_token' | 'refresh_token', grantType: string): void;
  failure(errorCode: string): void;
  rateLimitRefusal(limit: 'token_endpoint' | 'failed_attempts'): void;
}

export interface MetricsRoutesOptions {
  readonly metrics: HttpMetrics;
  /** COUNTERSIGN_METRICS_TOKEN: GET /metrics answers only `Authorization: Bearer <token>`. */
  readonly token: string;
  /** The text exposition: this process's registry, or every worker's summed (compose/cluster-workers.ts). */
  exposition(): Promise<{ contentType: string; body: string }>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route's requests are labelled with their `grant_type` (the token endpoint). */
    metricsByGrant?: boolean;
  }
}

/**
 * The grant label of a token request: one of the five grant types, `other` for anything else a
 * caller sent (so that no caller can make up label values), `none` when there was none.
 */
export function grantLabel(request: FastifyRequest): string {
  if (!request.routeOptions.config.metricsByGrant) return '';
  const grantType = (request.body as Record<string, unknown> | undefined)?.grant_type;
  if (grantType === undefined) return 'none';
  return typeof grantType === 'string' && isGrantType(grantType) ? grantType : 'other';
}

/**
 * `GET /metrics` in the Prometheus text format, and the hooks that feed it: every answer is counted
 * and timed by method, route pattern (never the path itself: the app exchange's path holds a code),
 * grant type and status; every error the error handler renders is counted by its code, and a 429 by
 * the limit that refused it (a sign-in page that shows its own refusal is not counted). The route
 * wants `Authorization: Bearer COUNTERSIGN_METRICS_TOKEN` and answers 401 otherwise, and it is not
 * registered at all when no token is configured (docs/adr/0018-metrics.md).
 */
export function registerMetrics(app: FastifyInstance, options: MetricsRoutesOptions): void {
  const { metrics } = options;
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.request(request.method, route, grantLabel(request), reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  app.addHook('onError', (_request, _reply, error, done) => {
    metrics.failure(classifyError(error)?.code ?? 'server_error');
    if (error instanceof TooManyRequestsError) metrics.rateLimitRefusal(error.limit);
    done();
  });
  const expected = digest(`Bearer ${options.token}`);
  app.get('/metrics', { logLevel: 'warn' }, async (request, reply) => {
    const given = request.headers.authorization;
    if (typeof given !== 'string' || !timingSafeEqual(digest(given), expected)) {
      return reply.code(401).header('www-authenticate', 'Bearer realm="metrics"').type('text/plain; charset=utf-8').send('Unauthorized\n');
    }
    const { contentType, body } = await options.exposition();
    return reply.header('cache-control', 'no-store').type(contentType).send(body);
  });
}

/** Fixed-length digests, so that the comparison takes the same time whatever was sent. */
const digest = (value: string) => createHash('sha256').update(value).digest();
