import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { toIso } from '../src/adapters/sql/iso-time';
import type { Storage } from '../src/adapters/sql/open-storage';
import { sweepExpiredRows } from '../src/adapters/sql/sweep-expired-rows';
import { sweepCutoffs } from '../src/core/retention/sweep-cutoffs';
import { TestClock } from './support/test-clock';
import { openTestStorage, postgresReachable } from './support/test-storage';

const reachable = await postgresReachable();
const EXPIRED = 1_000_000;

/**
 * A million expired access-token denylist entries on PostgreSQL: the sweep deletes them all in
 * batches (each its own short statement), one instance at a time, while the token path keeps
 * reading and writing the same table.
 */
describe('the sweep against a million expired rows (PostgreSQL)', { skip: !reachable && 'PostgreSQL unreachable' }, () => {
  let storage: Storage;
  const clock = new TestClock();
  before(async () => {
    storage = await openTestStorage('postgres');
    const now = clock.now();
    await sql`insert into revoked_access_tokens (jti, grant_id, expires_at, revoked_at)
      select 'expired-' || n, null, ${toIso(now - 3600_000)}, ${toIso(now - 7200_000)} from generate_series(1, ${EXPIRED}) as n`.execute(
      storage.db,
    );
    await sql`insert into revoked_access_tokens (jti, grant_id, expires_at, revoked_at)
      select 'live-' || n, null, ${toIso(now + 3600_000)}, ${toIso(now)} from generate_series(1, 1000) as n`.execute(storage.db);
    await sql`analyze revoked_access_tokens`.execute(storage.db);
  });
  after(() => storage?.close());

  test('completes in batches, a second instance skips while it runs, and the token path is served meanwhile', {
    timeout: 300_000,
  }, async (t) => {
    const db = storage.db;
    const cutoffs = sweepCutoffs(clock.now(), { auditRetentionDays: 0 });
    let done = false;
    const sweeping = sweepExpiredRows(db, 'postgres', cutoffs, { batchSize: 5000 }).finally(() => {
      done = true;
    });
    // The token path during the sweep: a denylist check of a live token and a revocation, repeatedly.
    let servedDuringSweep = 0;
    let second: Awaited<ReturnType<typeof sweepExpiredRows>> | undefined;
    let i = 0;
    while (!done) {
      const found = await db
        .selectFrom('revoked_access_tokens')
        .select('jti')
        .where('jti', '=', `live-${(i % 1000) + 1}`)
        .executeTakeFirst();
      assert.ok(found);
      await db
        .insertInto('revoked_access_tokens')
        .values({ jti: `during-${i}`, grant_id: null, expires_at: toIso(clock.now() + 3600_000), revoked_at: toIso(clock.now()) })
        .execute();
      if (!done) servedDuringSweep++;
      // Another instance's sweep, started while this one holds the lease.
      if (second === undefined && !done) second = await sweepExpiredRows(db, 'postgres', cutoffs);
      i++;
    }
    const report = await sweeping;
    assert.equal(report.outcome, 'swept');
    assert.equal(report.rows.revoked_access_tokens, EXPIRED);
    assert.ok(report.batches >= EXPIRED / 5000, `${report.batches} statements of at most 5000 rows`);
    assert.equal(second?.outcome, 'skipped', 'one sweep at a time across instances');
    assert.ok(servedDuringSweep > 0, 'the token path read and wrote the table while the sweep ran');
    const left = await db.selectFrom('revoked_access_tokens').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(left.n), 1000 + i, 'the live entries and those written during the sweep remain');
    t.diagnostic(`${report.batches} statements; ${servedDuringSweep} denylist reads and writes served during the sweep`);
  });
});
