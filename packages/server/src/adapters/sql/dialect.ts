import { type Kysely, PostgresAdapter } from 'kysely';
import type { Database } from './database-schema';
/**
 * The two databases Countersign runs on. Dialect branches are kept few and named; every one of them
 * lives in adapters/sql/ and switches on this type.
 */
export type Dialect = 'sqlite' | 'postgres';

/** Whether this handle speaks to PostgreSQL (a repository's dialect branch asks here). */
export function isPostgres(db: Kysely<Database>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

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

/**
 * The database is unreachable, refused the connection, was shut down, or ended a statement for taking
 * longer than COUNTERSIGN_STATEMENT_TIMEOUT: the request can be retried later, nothing is wrong with it.
 * PostgreSQL class 08 (connection exception), 57P01-03 (shutdown, cannot connect now), 57014 (query
 * canceled: statement_timeout), 53300 (too many connections); the socket's own errors; node-postgres's
 * messages for a dropped connection or a client-side timeout. (Used by the PostgreSQL pool only.)
 */
export function isStorageUnavailable(error: unknown): boolean {
  const code = (error as DriverError | null)?.code;
  if (typeof code === 'string') {
    if (code.startsWith('08') || ['57P01', '57P02', '57P03', '57014', '53300'].includes(code)) return true;
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND'].includes(code)) return true;
  }
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|Query read timeout|not queryable|Client was closed/i.test(message);
}

/**
 * PostgreSQL answered a statement with an error of its own (an SQLSTATE, not a lost or refused
 * connection): run outside a transaction, the statement was rolled back whole, and nothing of it was
 * written. A lost connection is not such a refusal: the statement may have committed before its answer
 * was lost. (Used to run a shared statement's calls again one by one, ADR 0035.)
 */
export function isRefusedStatement(error: unknown): boolean {
  const code = (error as DriverError | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !isStorageUnavailable(error);
}

/**
 * SQLite's lock wait (`busy_timeout`) ran out: another connection (another process on the same file)
 * held the write lock for longer. Transient like a PostgreSQL outage, and answered the same way.
 * SQLITE_BUSY and its extended codes (_RECOVERY, _SNAPSHOT, _TIMEOUT); not SQLITE_LOCKED, which is a
 * conflict inside this one connection and so a bug rather than a moment to wait out.
 */
export function isSqliteBusy(error: unknown): boolean {
  const code = (error as DriverError | null)?.code;
  return typeof code === 'string' && (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_'));
}
