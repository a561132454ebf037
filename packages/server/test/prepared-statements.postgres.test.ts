import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { openStorage, type Storage } from '../src/adapters/sql/open-storage';
import { postgresReachable, TEST_DATABASE_URL } from './support/test-storage';

/**
 * COUNTERSIGN_DATABASE_PREPARED_STATEMENTS (guarded-postgres-pool.ts): parameterised statements are
 * prepared once per connection when on, never when off, and a prepared statement whose table changed
 * shape under it (a migration by a newer instance) costs one failed query, not a broken connection
 * for good. One connection in the pool, so that every query meets the same one.
 */
describe('PostgreSQL prepared statements', async () => {
  const run = await postgresReachable();
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const opened: Storage[] = [];
  const open = async (preparedStatements: boolean) => {
    const storage = await openStorage({ databaseUrl: TEST_DATABASE_URL, pgSchema: schema, poolSize: 1, preparedStatements });
    opened.push(storage);
    return storage;
  };
  const preparedCount = async (storage: Storage) =>
    Number((await sql<{ n: number }>`select count(*) as n from pg_prepared_statements`.execute(storage.db)).rows[0]?.n);
  const readStores = (storage: Storage, id: string) => storage.db.selectFrom('stores').selectAll().where('id', '=', id).execute();

  after(async () => {
    for (const storage of opened) await storage.close();
    if (!run) return;
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
  });

  test('on: a parameterised statement is prepared once on the connection and reused', { skip: !run }, async () => {
    const storage = await open(true);
    const before = await preparedCount(storage); // the migrations' own statements, on this connection
    assert.equal(await preparedCount(storage), before, 'a statement without parameters is not prepared');
    await readStores(storage, 'no-such-store');
    assert.equal(await preparedCount(storage), before + 1);
    await readStores(storage, 'another-store');
    assert.equal(await preparedCount(storage), before + 1, 'the same text reuses its statement');
  });

  test('off: nothing is prepared', { skip: !run }, async () => {
    const storage = await open(false);
    await readStores(storage, 'no-such-store');
    await readStores(storage, 'another-store');
    assert.equal(await preparedCount(storage), 0);
  });

  test('a table that changed shape fails its prepared statement once; the next query runs on a fresh connection', {
    skip: !run,
  }, async () => {
    const storage = await open(true);
    await readStores(storage, 'no-such-store');
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${schema}` });
    await admin.connect();
    try {
      await admin.query('alter table stores add column prepared_statements_test text');
    } finally {
      await admin.end();
    }
    await assert.rejects(readStores(storage, 'no-such-store'), /cached plan must not change result type/);
    assert.deepEqual(await readStores(storage, 'no-such-store'), [], 'the broken connection was replaced');
    assert.deepEqual(await readStores(storage, 'no-such-store'), []);
  });
});
