import type { FastifyBaseLogger } from 'fastify';
import { sweepExpiredRows } from '../adapters/sql/sweep-expired-rows';
import { sweepCutoffs } from '../core/retention/sweep-cutoffs';
import type { AppDependencies } from './compose-dependencies';

/**
 * Sweeps the tables that grow with traffic every COUNTERSIGN_SWEEP_INTERVAL seconds (the rule:
 * core/retention/sweep-cutoffs.ts), in batches, one instance at a time. A sweep still running when
 * the next is due is not started twice. Returns the function that stops the schedule.
 */
export function startSweepSchedule(deps: Pick<AppDependencies, 'config' | 'storage' | 'clock'>, log: FastifyBaseLogger): () => void {
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      const cutoffs = sweepCutoffs(deps.clock.now(), { auditRetentionDays: deps.config.auditRetentionDays });
      const report = await sweepExpiredRows(deps.storage.db, deps.storage.dialect, cutoffs);
      if (report.outcome === 'swept') log.info({ rows: report.rows, batches: report.batches }, 'sweep done');
    } catch (err) {
      log.error({ err }, 'sweep failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void run(), deps.config.sweepInterval * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
