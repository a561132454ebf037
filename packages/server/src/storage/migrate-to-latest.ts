import { type Kysely, type Migration, Migrator } from 'kysely';
import type { Database } from './database-schema';
import type { Dialect } from './dialect';
import { foundation } from './migrations/0001-foundation';
import { deferrableReferences } from './migrations/0002-deferrable-references';
import { grants } from './migrations/0003-grants';

/** Every migration, in order. Names sort; never rename or edit a shipped one. */
function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    '0001-foundation': foundation(dialect),
    '0002-deferrable-references': deferrableReferences(dialect),
    '0003-grants': grants(),
  };
}

/**
 * Applies pending migrations. Kysely's migrator takes a lock, so several instances starting at once
 * against one PostgreSQL database apply each migration exactly once.
 */
export async function migrateToLatest(storage: { db: Kysely<Database>; dialect: Dialect; schema?: string }): Promise<string[]> {
  const { db, dialect, schema } = storage;
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
