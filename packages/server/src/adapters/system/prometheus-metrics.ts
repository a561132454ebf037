import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { HttpMetrics } from '../../http/metrics-routes';
import type { TokenPathCache } from '../memory/cached-directories';
import { clusterExposition } from './cluster-metrics';

/** The token path's caches (adapters/memory/cached-directories.ts). */
export type CacheName = TokenPathCache;
/** Which limit refused a request (compose/rate-limiting.ts). */
export type RateLimitName = 'token_endpoint' | 'failed_attempts';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const LAG_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * Countersign's Prometheus metrics (prom-client), in a registry of this instance's own. Names follow
 * the Prometheus conventions: a `countersign_` prefix, base units (seconds), `_total` on counters,
 * and labels whose values come from short fixed lists (route patterns, grant types, error codes),
 * never from a client id, token, address or anything else a caller chooses. The README's "Metrics"
 * section lists them.
 */
export class PrometheusMetrics implements HttpMetrics {
  readonly registry = new Registry();
  readonly #requests: Counter<'method' | 'route' | 'grant_type' | 'status_code'>;
  readonly #duration: Histogram<'method' | 'route' | 'grant_type'>;
  readonly #tokensIssued: Counter<'kind' | 'grant_type'>;
  readonly #failures: Counter<'error_code'>;
  readonly #refusals: Counter<'limit'>;
  readonly #cacheLookups: Counter<'cache' | 'result'>;
  readonly #changeLag: Histogram;
  readonly #cacheCounts = new Map<CacheName, { hits: number; lookups: number }>();
  readonly #clusterExposition: (() => Promise<{ contentType: string; body: string }>) | undefined;

  /**
   * `processMetrics`: also prom-client's default process metrics (CPU, memory, event-loop lag, GC).
   * `clusterWorker`: this process is one of several workers (COUNTERSIGN_WORKERS), and /metrics
   * answers with every worker's metrics, aggregated by the primary (cluster-metrics.ts).
   */
  constructor(options: { processMetrics?: boolean; clusterWorker?: boolean } = {}) {
    const registers = [this.registry];
    this.#requests = new Counter({
      name: 'countersign_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern, grant type (token endpoint) and status code',
      labelNames: ['method', 'route', 'grant_type', 'status_code'],
      registers,
    });
    this.#duration = new Histogram({
      name: 'countersign_http_request_duration_seconds',
      help: 'Time from receiving a request to having sent its answer, by method, route pattern and grant type',
      labelNames: ['method', 'route', 'grant_type'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.#tokensIssued = new Counter({
      name: 'countersign_tokens_issued_total',
      help: 'Tokens issued by the token endpoint, by kind (access_token, refresh_token) and grant type',
      labelNames: ['kind', 'grant_type'],
      registers,
    });
    this.#failures = new Counter({
      name: 'countersign_request_failures_total',
      help: 'Requests refused or failed, by the error code of the answer (OAuth error, API error code, server_error)',
      labelNames: ['error_code'],
      registers,
    });
    this.#refusals = new Counter({
      name: 'countersign_rate_limit_refusals_total',
      help: 'Requests refused by a rate limit: token_endpoint (per address), failed_attempts (sign-ins)',
      labelNames: ['limit'],
      registers,
    });
    this.#cacheLookups = new Counter({
      name: 'countersign_cache_lookups_total',
      help: 'Reads of the token path caches, by cache and result (hit, miss)',
      labelNames: ['cache', 'result'],
      registers,
    });
    const counts = this.#cacheCounts;
    new Gauge({
      name: 'countersign_cache_hit_ratio',
      help: 'Share of the token path cache reads answered from memory since the process started, by cache (workers averaged)',
      labelNames: ['cache'],
      registers,
      aggregator: 'average',
      collect() {
        for (const [cache, { hits, lookups }] of counts) if (lookups > 0) this.set({ cache }, hits / lookups);
      },
    });
    this.#changeLag = new Histogram({
      name: 'countersign_change_channel_lag_seconds',
      help: "Time from another instance publishing a change to this instance receiving it (by the two instances' clocks)",
      buckets: LAG_BUCKETS,
      registers,
    });
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'countersign_' });
    this.#clusterExposition = options.clusterWorker ? clusterExposition(this.registry) : undefined;
  }

  request(method: string, route: string, grantType: string, statusCode: number, seconds: number): void {
    this.#requests.inc({ method, route, grant_type: grantType, status_code: statusCode });
    this.#duration.observe({ method, route, grant_type: grantType }, seconds);
  }

  tokenIssued(kind: 'access_token' | 'refresh_token', grantType: string): void {
    this.#tokensIssued.inc({ kind, grant_type: grantType });
  }

  failure(errorCode: string): void {
    this.#failures.inc({ error_code: errorCode });
  }

  rateLimitRefusal(limit: RateLimitName): void {
    this.#refusals.inc({ limit });
  }

  cacheLookup(cache: CacheName, hit: boolean): void {
    this.#cacheLookups.inc({ cache, result: hit ? 'hit' : 'miss' });
    const counts = this.#cacheCounts.get(cache) ?? { hits: 0, lookups: 0 };
    counts.lookups++;
    if (hit) counts.hits++;
    this.#cacheCounts.set(cache, counts);
  }

  changeLag(seconds: number): void {
    this.#changeLag.observe(Math.max(0, seconds));
  }

  async exposition(): Promise<{ contentType: string; body: string }> {
    if (this.#clusterExposition) return this.#clusterExposition();
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
