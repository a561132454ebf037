import cluster, { type Worker } from 'node:cluster';
import type { Storage } from '../adapters/sql/open-storage';
import { signingKeyRepository } from '../adapters/sql/signing-key-repository';
import { serveClusterMetrics } from '../adapters/system/cluster-metrics';
import { systemClock } from '../adapters/system/system-clock';
import type { Config } from '../config/load-config';
import { KeyEncryptor } from '../core/keys/key-encryptor';
import { KeyRing } from '../core/keys/key-ring';

/** A worker that dies this soon after it started, this many times in a row, stops the whole cluster. */
const QUICK_DEATH_MS = 5000;
const QUICK_DEATHS_ALLOWED = 5;
/** How long the primary waits for its workers to finish their requests on SIGTERM or SIGINT. */
const SHUTDOWN_GRACE_MS = 10_000;

/**
 * `COUNTERSIGN_WORKERS` (node:cluster): with more than one, this process becomes the primary, which
 * serves nothing itself. It makes sure the signing keys exist (once, so that workers starting
 * together do not each create some), forks the workers, which share the listening port and run
 * main.ts exactly as a single process does, restarts a worker that dies, aggregates their metrics
 * for /metrics, and on SIGTERM or SIGINT asks each to stop and exits when they have.
 *
 * Workers keep nothing that must be shared in memory: the database (PostgreSQL), the rate limits and
 * the change channel (Redis) are shared, so two workers behave as two instances do (the config
 * insists on DATABASE_URL and REDIS_URL). Only worker 1 seeds the demo store.
 *
 * Returns true in the primary (the caller must not serve), false in a worker or when there is only
 * one process to run (the caller serves).
 */
export async function startClusterPrimary(config: Config, storage: Storage): Promise<boolean> {
  if (config.workers <= 1 || !cluster.isPrimary) return false;
  const keyRing = new KeyRing(
    signingKeyRepository(storage.db),
    new KeyEncryptor(Buffer.from(config.keyEncryptionKey, 'base64url')),
    systemClock,
    config.signingAlg,
  );
  await keyRing.load();
  await storage.close();
  if (config.metricsToken !== undefined) serveClusterMetrics();

  let stopping = false;
  let quickDeaths = 0;
  const startedAt = new Map<Worker, number>();
  const fork = (index: number) => {
    const worker = cluster.fork({ COUNTERSIGN_WORKER_INDEX: String(index), ...(index > 1 ? { COUNTERSIGN_DEMO: '0' } : {}) });
    startedAt.set(worker, Date.now());
    worker.on('exit', (code, signal) => {
      const lived = Date.now() - (startedAt.get(worker) ?? 0);
      startedAt.delete(worker);
      if (stopping) {
        if (startedAt.size === 0) process.exit(0);
        return;
      }
      quickDeaths = lived < QUICK_DEATH_MS ? quickDeaths + 1 : 0;
      console.error(`worker ${index} (pid ${worker.process.pid}) exited (${signal ?? code}) after ${lived} ms`);
      if (quickDeaths >= QUICK_DEATHS_ALLOWED) {
        console.error(`workers keep dying at start (${quickDeaths} in a row): stopping`);
        stopping = true;
        for (const other of startedAt.keys()) other.process.kill('SIGTERM');
        process.exitCode = 1;
        if (startedAt.size === 0) process.exit(1);
        return;
      }
      fork(index);
    });
  };
  for (let i = 1; i <= config.workers; i++) fork(i);
  console.log(`Countersign: ${config.workers} workers (primary pid ${process.pid}) on ${config.host}:${config.port}`);

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    // Ctrl-C in a terminal reaches the workers too; a signal sent to the primary alone is passed on.
    if (signal === 'SIGTERM') for (const worker of startedAt.keys()) worker.process.kill('SIGTERM');
    setTimeout(() => {
      for (const worker of startedAt.keys()) worker.process.kill('SIGTERM');
      setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS).unref();
    }, SHUTDOWN_GRACE_MS).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  return true;
}
