import type SqliteDatabase from 'better-sqlite3';
import type { Insertable, Kysely, SqliteDatabase as KyselySqliteDatabase } from 'kysely';
import type { Database } from './database-schema';
import { guardSqliteBusy } from './guard-sqlite-busy';

/** The statements a synchronous SQLite write transaction runs (ADR 0032). */
export interface SqliteWrite {
  /** Runs the statement and returns its first row (a `returning` clause's), if any. */
  first<Row>(query: string, parameters: readonly unknown[]): Row | undefined;
  /** Runs the statement and returns the number of rows it changed. */
  run(query: string, parameters: readonly unknown[]): number;
  /** Inserts the rows into the table, the columns named by the first row's keys (every row has the same). */
  insert<Table extends keyof Database>(table: Table, rows: readonly Insertable<Database[Table]>[]): void;
}

interface Handle {
  readonly transaction: SqliteDatabase.Transaction<(work: (write: SqliteWrite) => unknown) => unknown>;
}

const handles = new WeakMap<Kysely<Database>, Handle>();

/**
 * Lets `sqliteWriteTransaction` run on this SQLite handle: `sqlite` is the connection behind `db`,
 * `statements` the statement cache Kysely prepares through (so both share one prepared statement per
 * SQL text). Called once by openStorage.
 */
export function attachSqliteWrites(db: Kysely<Database>, sqlite: SqliteDatabase.Database, statements: KyselySqliteDatabase): void {
  const write: SqliteWrite = {
    first: <Row>(query: string, parameters: readonly unknown[]) => statements.prepare(query).all(parameters)[0] as Row | undefined,
    run: (query, parameters) => Number(statements.prepare(query).run(parameters).changes),
    insert(table, inserted) {
      const rows = inserted as readonly Readonly<Record<string, unknown>>[];
      const first = rows[0];
      if (first === undefined) return;
      const columns = Object.keys(first);
      const tuple = `(${columns.map(() => '?').join(', ')})`;
      const query = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values ${rows.map(() => tuple).join(', ')}`;
      statements.prepare(query).run(rows.flatMap((row) => columns.map((c) => row[c])));
    },
  };
  const transaction = sqlite.transaction((work: (write: SqliteWrite) => unknown) => {
    const result = work(write);
    // An await inside would let the transaction commit before the work is done: refused, rolled back.
    if (result instanceof Promise) throw new TypeError('the work of sqliteWriteTransaction must be synchronous');
    return result;
  });
  handles.set(db, { transaction });
}

/**
 * Runs `work` as one SQLite write transaction, synchronously, on the connection Kysely uses, while
 * holding it: Kysely's SQLite driver lends its single connection to one caller at a time (a lock), so
 * no Kysely query or transaction can interleave with these statements, nor these with a Kysely
 * transaction another request has open. `BEGIN IMMEDIATE` takes the write lock at the start (another
 * process on the same file waits `busy_timeout` there, rather than failing at the first write); an
 * exception from `work` rolls everything back and is rethrown; SQLITE_BUSY becomes the core's
 * TemporarilyUnavailableError (503), as for every statement.
 *
 * Why not `db.transaction()`: on the token path Kysely's transaction and query machinery (begin,
 * compile, a promise per statement, commit) cost more of the event loop than SQLite took to run the
 * statements; measured in ADR 0032. Only for short writes with nothing to wait for in between.
 */
export async function sqliteWriteTransaction<T>(db: Kysely<Database>, work: (write: SqliteWrite) => T): Promise<T> {
  const handle = handles.get(db);
  if (handle === undefined) throw new Error('sqliteWriteTransaction needs a SQLite storage opened by openStorage');
  return db.connection().execute(async () => guardSqliteBusy(() => handle.transaction.immediate(work) as T));
}
