import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

const REQUEST = 'countersign:cluster-metrics-request';
const RESPONSE = 'countersign:cluster-metrics-response';

interface Exposition {
  readonly contentType: string;
  readonly body: string;
}

interface ResponseMessage {
  readonly type: typeof RESPONSE;
  readonly id: number;
  readonly body?: string;
  readonly contentType?: string;
  readonly error?: string;
}

/**
 * In the cluster's primary (COUNTERSIGN_WORKERS above 1): answers a worker that was scraped with the
 * metrics of every worker, aggregated by prom-client (counters and histograms summed, each gauge as
 * its metric says). The primary serves no HTTP itself: a scrape reaches one worker, which asks here.
 */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: { type?: unknown; id?: unknown }) => {
    if (message?.type !== REQUEST || typeof message.id !== 'number') return;
    const id = message.id;
    aggregator.clusterMetrics().then(
      (body) => worker.isConnected() && worker.send({ type: RESPONSE, id, body, contentType: aggregator.contentType }),
      (error: unknown) => worker.isConnected() && worker.send({ type: RESPONSE, id, error: String((error as Error)?.message ?? error) }),
    );
  });
}

/**
 * In a worker: offers `registry` to the primary's aggregation, and returns the exposition to serve
 * at /metrics, which asks the primary for every worker's metrics (this one's included).
 */
export function clusterExposition(registry: Registry): () => Promise<Exposition> {
  // Constructing one installs prom-client's answer to the primary's requests in this worker.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
  const pending = new Map<number, { resolve(value: Exposition): void; reject(error: Error): void }>();
  let next = 0;
  process.on('message', (message: ResponseMessage) => {
    if (message?.type !== RESPONSE) return;
    const waiting = pending.get(message.id);
    if (!waiting) return;
    pending.delete(message.id);
    if (message.error !== undefined || message.body === undefined) waiting.reject(new Error(`cluster metrics: ${message.error}`));
    else waiting.resolve({ contentType: message.contentType ?? registry.contentType, body: message.body });
  });
  return () =>
    new Promise<Exposition>((resolve, reject) => {
      const id = next++;
      // prom-client gives up on a silent worker after 5 s; this gives up on a silent primary after 10.
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error('cluster metrics: the primary did not answer'));
      }, 10_000);
      pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      process.send?.({ type: REQUEST, id });
    });
}
