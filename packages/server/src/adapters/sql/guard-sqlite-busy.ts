import { TemporarilyUnavailableError } from '../../core/errors/temporarily-unavailable-error';
import { isSqliteBusy } from './dialect';

/**
 * Runs `call`, with SQLITE_BUSY (another connection held the write lock for longer than
 * `busy_timeout`) turned into the core's TemporarilyUnavailableError, answered 503
 * `temporarily_unavailable` as a PostgreSQL outage is (ADR 0020), not 500.
 */
export function guardSqliteBusy<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    if (isSqliteBusy(error)) throw Object.assign(new TemporarilyUnavailableError(), { cause: error });
    throw error;
  }
}
