import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from '../src/adapters/sql/migrate-to-latest';
import { openStorage } from '../src/adapters/sql/open-storage';
import { postgresReachable, TEST_DATABASE_URL } from './support/test-storage';

describe('migrations', async () => {
  const reachable = await postgresReachable();
  test('five instances starting together on an empty PostgreSQL schema apply each migration once', { skip: !reachable }, async () => {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const instances = await Promise.all(
      Array.from({ length: 5 }, () => openStorage({ databaseUrl: TEST_DATABASE_URL, pgSchema: schema, migrate: false })),
    );
    try {
      const applied = await Promise.all(instances.map((s) => migrateToLatest(s)));
      const all = applied.flat();
      assert.equal(new Set(all).size, all.length, 'a migration was applied twice');
      assert.ok(all.includes('0001-foundation'));
      const rows = await instances[0]!.db.selectFrom('stores').selectAll().execute();
      assert.deepEqual(rows, []);
    } finally {
      await Promise.all(instances.map((s) => s.close()));
      const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await admin.connect();
      await admin.query(`drop schema if exists ${schema} cascade`);
      await admin.end();
    }
  });

  test('a second run on SQLite finds nothing to do', async () => {
    const storage = await openStorage({ sqlitePath: ':memory:' });
    try {
      assert.deepEqual(await migrateToLatest(storage), []);
    } finally {
      await storage.close();
    }
  });

  test('a refresh token’s successor is found through an index, not a scan of every refresh token', async () => {
    const storage = await openStorage({ sqlitePath: ':memory:' });
    try {
      const plan = await sql<{ detail: string }>`explain query plan select id from refresh_tokens where parent_id = ${'x'}`.execute(
        storage.db,
      );
      assert.ok(
        plan.rows.some((r) => r.detail.includes('INDEX refresh_tokens_parent')),
        JSON.stringify(plan.rows),
      );
    } finally {
      await storage.close();
    }
  });

  // The sweep finds kept pairs whose grace window closed through the grace index, which holds only the
  // rows that have a window (0009): rotations without one write no entry there, and the sweep's
  // condition must still imply the index's, or each batch would scan every refresh token.
  const graceLookup = (at: string) =>
    sql<
      Record<string, string>
    >`explain ${sql.raw(at === 'sqlite' ? 'query plan ' : '')}select id from refresh_tokens where successor_cipher is not null and grace_until <= ${'2026-01-01T00:00:00.000Z'} limit 100`;

  test('the grace index holds only rows with a grace window, and the sweep’s lookup uses it (SQLite)', async () => {
    const storage = await openStorage({ sqlitePath: ':memory:' });
    try {
      const index = await sql<{ sql: string }>`select sql from sqlite_master where name = 'refresh_tokens_grace'`.execute(storage.db);
      assert.match(index.rows[0]?.sql ?? '', /where\s+"?grace_until"?\s+is not null/i);
      const plan = await graceLookup('sqlite').execute(storage.db);
      assert.ok(
        plan.rows.some((r) => r.detail?.includes('INDEX refresh_tokens_grace')),
        JSON.stringify(plan.rows),
      );
    } finally {
      await storage.close();
    }
  });

  test('the grace index holds only rows with a grace window, and the sweep’s lookup uses it (PostgreSQL)', {
    skip: !reachable,
  }, async () => {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const storage = await openStorage({ databaseUrl: TEST_DATABASE_URL, pgSchema: schema });
    try {
      const index = await sql<{
        indexdef: string;
      }>`select indexdef from pg_indexes where schemaname = ${schema} and indexname = 'refresh_tokens_grace'`.execute(storage.db);
      assert.match(index.rows[0]?.indexdef ?? '', /WHERE \(grace_until IS NOT NULL\)/);
      // An empty table is cheapest to scan; with scans priced out, the plan shows whether the index applies.
      const plan = await storage.db.connection().execute(async (connection) => {
        await sql`set enable_seqscan = off`.execute(connection);
        try {
          return await graceLookup('postgres').execute(connection);
        } finally {
          await sql`reset enable_seqscan`.execute(connection);
        }
      });
      const text = plan.rows.map((r) => Object.values(r).join(' ')).join('\n');
      assert.match(text, /refresh_tokens_grace/, text);
    } finally {
      await storage.close();
      const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await admin.connect();
      await admin.query(`drop schema if exists ${schema} cascade`);
      await admin.end();
    }
  });
});
