/**
 * The two databases Countersign runs on. Dialect branches are kept few and named; every one of them
 * lives in adapters/sql/ and switches on this type.
 */
export type Dialect = 'sqlite' | 'postgres';

interface DriverError {
  code?: unknown;
}

/** A unique or primary-key constraint refused the write (SQLite's and PostgreSQL's codes). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as DriverError | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** A foreign key refused the write or the delete. */
export function isForeignKeyViolation(error: unknown): boolean {
  const code = (error as DriverError | null)?.code;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}
