import type SqliteDatabase from 'better-sqlite3';
import type { SqliteDatabase as KyselySqliteDatabase } from 'kysely';

/**
 * better-sqlite3 behind Kysely, with each SQL text prepared once: Kysely's SQLite driver calls
 * `prepare` for every query, and compiling the statement cost about as much as running it on the
 * token path (a tenth of a refresh's time in a CPU profile). Statements are reused, which is safe
 * because better-sqlite3 runs each one synchronously to completion; Countersign never streams a
 * query (a streamed statement would be busy until its iterator ends). At most `max` statements are
 * kept, the least recently used going first (query texts vary with the length of `in (…)` lists).
 */
export function withStatementCache(sqlite: SqliteDatabase.Database, max = 500): KyselySqliteDatabase {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = sqlite.prepare(sql);
        if (statements.size >= max) statements.delete(statements.keys().next().value as string);
      } else statements.delete(sql);
      statements.set(sql, statement);
      return statement;
    },
  };
}
