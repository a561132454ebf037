import type SqliteDatabase from 'better-sqlite3';
import type { SqliteDatabase as KyselySqliteDatabase, SqliteStatement } from 'kysely';
import { guardSqliteBusy as guard } from './guard-sqlite-busy';

/**
 * better-sqlite3 behind Kysely, with each SQL text prepared once: Kysely's SQLite driver calls
 * `prepare` for every query, and compiling the statement cost about as much as running it on the
 * token path (a tenth of a refresh's time in a CPU profile). Statements are reused, which is safe
 * because better-sqlite3 runs each one synchronously to completion; Countersign never streams a
 * query (a streamed statement would be busy until its iterator ends). At most `max` statements are
 * kept, the least recently used going first (query texts vary with the length of `in (…)` lists).
 *
 * A statement that waited `busy_timeout` for another connection's write lock and gave up (SQLITE_BUSY)
 * throws the core's TemporarilyUnavailableError, answered 503 `temporarily_unavailable` as a
 * PostgreSQL outage is (ADR 0020), not 500. Its transaction is rolled back by Kysely, as on any error.
 */
export function withStatementCache(sqlite: SqliteDatabase.Database, max = 500): KyselySqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = guarded(guard(() => sqlite.prepare(sql)));
        if (statements.size >= max) statements.delete(statements.keys().next().value as string);
      } else statements.delete(sql);
      statements.set(sql, statement);
      return statement;
    },
  };
}

/** The statement, with SQLITE_BUSY from any of its runs turned into TemporarilyUnavailableError. */
function guarded(statement: SqliteDatabase.Statement): SqliteStatement {
  return {
    reader: statement.reader,
    all: (parameters) => guard(() => statement.all(parameters)),
    run: (parameters) => guard(() => statement.run(parameters)),
    iterate: (parameters) => guard(() => statement.iterate(parameters)),
  };
}
