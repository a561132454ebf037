import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { SweepCutoffs } from '../../core/retention/sweep-cutoffs';
import type { Database } from './database-schema';
import type { Dialect } from './dialect';
import { toIso } from './iso-time';

export interface SweepReport {
  /** `skipped`: another instance holds the sweep's lease (PostgreSQL advisory lock). */
  readonly outcome: 'swept' | 'skipped';
  /** Rows deleted (or grace copies cleared) per table. */
  readonly rows: Readonly<Record<string, number>>;
  /** Statements run; each touched at most `batchSize` rows. */
  readonly batches: number;
}

/**
 * Applies the sweep rule (core/retention/sweep-cutoffs.ts) in batches of `batchSize` rows, each batch
 * its own statement and so its own short transaction: the token path's reads and writes on the same
 * tables never wait for more than one batch. On PostgreSQL the sweep holds a session advisory lock
 * for its duration and skips when another instance holds it; SQLite serialises writers itself.
 */
export async function sweepExpiredRows(
  db: Kysely<Database>,
  dialect: Dialect,
  cutoffs: SweepCutoffs,
  options: { batchSize?: number } = {},
): Promise<SweepReport> {
  const batchSize = options.batchSize ?? 5000;
  if (dialect === 'sqlite') return sweep(db, cutoffs, batchSize);
  return db.connection().execute(async (connection) => {
    const lock = await sql<{
      got: boolean;
    }>`select pg_try_advisory_lock(hashtext('countersign.sweep:' || current_schema())) as got`.execute(connection);
    if (!lock.rows[0]?.got) return { outcome: 'skipped', rows: {}, batches: 0 };
    try {
      return await sweep(connection, cutoffs, batchSize);
    } finally {
      await sql`select pg_advisory_unlock(hashtext('countersign.sweep:' || current_schema()))`.execute(connection);
    }
  });
}

async function sweep(db: Kysely<Database>, c: SweepCutoffs, batchSize: number): Promise<SweepReport> {
  const rows: Record<string, number> = {};
  let batches = 0;
  const repeat = async (name: string, statement: () => RawBuilder<unknown>) => {
    rows[name] = 0;
    for (;;) {
      const result = await statement().execute(db);
      batches++;
      const affected = Number(result.numAffectedRows ?? 0);
      rows[name] += affected;
      if (affected < batchSize) return;
    }
  };
  const deleteWhere = (table: keyof Database, key: string, column: string, cutoff: number) => () =>
    sql`delete from ${sql.table(table)} where ${sql.ref(key)} in (select ${sql.ref(key)} from ${sql.table(table)} where ${sql.ref(column)} <= ${toIso(cutoff)} limit ${batchSize})`;

  await repeat('authorization_codes', deleteWhere('authorization_codes', 'code_hash', 'expires_at', c.codesExpiredBefore));
  await repeat('revoked_access_tokens', deleteWhere('revoked_access_tokens', 'jti', 'expires_at', c.denylistExpiredBefore));
  const assertions = toIso(c.assertionsExpiredBefore);
  await repeat(
    'used_assertions',
    () =>
      sql`delete from used_assertions where (client_id, jti) in (select client_id, jti from used_assertions where expires_at <= ${assertions} limit ${batchSize})`,
  );
  const grace = toIso(c.graceCopiesClosedBefore);
  await repeat(
    'grace_copies',
    () =>
      sql`update refresh_tokens set successor_cipher = null where id in (select id from refresh_tokens where successor_cipher is not null and grace_until <= ${grace} limit ${batchSize})`,
  );
  await repeat('refresh_tokens', deleteWhere('refresh_tokens', 'id', 'expires_at', c.refreshTokensExpiredBefore));
  await repeat('sign_in_sessions', deleteWhere('sign_in_sessions', 'id_hash', 'expires_at', c.sessionsExpiredBefore));
  await repeat('change_feed', deleteWhere('change_feed', 'seq', 'expires_at', c.changeNoticesExpiredBefore));
  if (c.auditEntriesBefore !== null) await repeat('audit_entries', deleteWhere('audit_entries', 'id', 'at', c.auditEntriesBefore));
  return { outcome: 'swept', rows, batches };
}
