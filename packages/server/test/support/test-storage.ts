import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStorage, type Storage } from '../../src/adapters/sql/open-storage';

export type TestDialect = 'sqlite' | 'postgres';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let reachable: Promise<boolean> | undefined;

/**
 * Whether the PostgreSQL suites run. In CI (CI=true) PostgreSQL is required: an unreachable server
 * fails the run. Elsewhere the suites are skipped with a loud note.
 */
export function postgresReachable(): Promise<boolean> {
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.end();
      return true;
    } catch (error) {
      if (process.env.CI) throw new Error(`PostgreSQL is required in CI but ${TEST_DATABASE_URL} is unreachable`, { cause: error });
      console.warn(`\n*** PostgreSQL at ${TEST_DATABASE_URL} is unreachable: the PostgreSQL suites are SKIPPED ***\n`);
      return false;
    }
  })();
  return reachable;
}

/**
 * A fresh, migrated database: SQLite in memory, or a PostgreSQL schema of its own that is dropped
 * again on close, so test files never see each other's rows.
 */
export async function openTestStorage(dialect: TestDialect): Promise<Storage> {
  if (dialect === 'sqlite') return openStorage({ sqlitePath: ':memory:' });
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const storage = await openStorage({ databaseUrl: TEST_DATABASE_URL, pgSchema: schema });
  return {
    ...storage,
    close: async () => {
      await storage.close();
      const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await admin.connect();
      await admin.query(`drop schema if exists ${schema} cascade`);
      await admin.end();
    },
  };
}

/** The dialects a suite should run on here: both, or SQLite alone when PostgreSQL is absent outside CI. */
export async function testDialects(): Promise<TestDialect[]> {
  return (await postgresReachable()) ? ['sqlite', 'postgres'] : ['sqlite'];
}
