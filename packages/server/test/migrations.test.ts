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
});
