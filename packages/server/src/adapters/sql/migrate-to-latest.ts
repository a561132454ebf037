import { type Kysely, type Migration, Migrator, sql } from 'kysely';
import type { Database } from './database-schema';
import type { Dialect } from './dialect';
import { foundation } from './migrations/0001-foundation';
import { deferrableReferences } from './migrations/0002-deferrable-references';
import { grants } from './migrations/0003-grants';
import { authorizationCodes } from './migrations/0004-authorization-codes';
import { sessionsAndLiveness } from './migrations/0005-sessions-and-liveness';
import { changeFeed } from './migrations/0006-change-feed';
import { refreshTokenSuccessorIndex } from './migrations/0007-refresh-token-successor-index';
import { sweepIndexes } from './migrations/0008-sweep-indexes';
import { partialGraceIndex } from './migrations/0009-partial-grace-index';

/** Every migration, in order. Names sort; never rename or edit a shipped one. */
function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    '0001-foundation': foundation(dialect),
    '0002-deferrable-references': deferrableReferences(dialect),
    '0003-grants': grants(),
    '0004-authorization-codes': authorizationCodes(),
    '0005-sessions-and-liveness': sessionsAndLiveness(),
    '0006-change-feed': changeFeed(dialect),
    '0007-refresh-token-successor-index': refreshTokenSuccessorIndex(),
    '0008-sweep-indexes': sweepIndexes(),
    '0009-partial-grace-index': partialGraceIndex(),
  };
}

/**
 * Applies pending migrations, once, however many instances start together. Kysely's migrator takes
 * its lock only after creating its own tables, and two instances creating them at once collide
 * (kysely-org/kysely#1894), so on PostgreSQL the whole run holds a session advisory lock on one
 * connection. SQLite serialises writers by itself.
 */
export async function migrateToLatest(storage: { db: Kysely<Database>; dialect: Dialect; schema?: string }): Promise<string[]> {
  if (storage.dialect !== 'postgres') return runMigrator(storage.db, storage.dialect, storage.schema);
  return storage.db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(hashtext('countersign.migrations'))`.execute(connection);
    try {
      return await runMigrator(connection, storage.dialect, storage.schema);
    } finally {
      await sql`select pg_advisory_unlock(hashtext('countersign.migrations'))`.execute(connection);
    }
  });
}

async function runMigrator(db: Kysely<Database>, dialect: Dialect, schema: string | undefined): Promise<string[]> {
  const migrator = new Migrator({
    db,
    // Without a schema Kysely looks for its lock table in every schema of the database, and finds
    // another schema's (the test suites' own schemas, or any other application's).
    ...(schema ? { migrationTableSchema: schema } : {}),
    provider: { getMigrations: async () => migrations(dialect) },
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return (results ?? []).map((r) => r.migrationName);
}
