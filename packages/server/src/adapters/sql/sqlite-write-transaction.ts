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

type Work = (write: SqliteWrite) => unknown;

/** A caller's work waiting for the next batch, and what became of it. */
interface Job {
  readonly work: Work;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  outcome?: { readonly value: unknown } | { readonly error: unknown };
}

interface Handle {
  readonly db: Kysely<Database>;
  readonly batch: SqliteDatabase.Transaction<(jobs: readonly Job[]) => void>;
  queue: Job[];
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
  // One caller's work: inside the batch's transaction, a savepoint of its own (better-sqlite3 nests
  // transaction functions that way), rolled back alone when the work throws.
  const one = sqlite.transaction((work: Work) => {
    const result = work(write);
    // An await inside would let the transaction commit before the work is done: refused, rolled back.
    if (result instanceof Promise) throw new TypeError('the work of sqliteWriteTransaction must be synchronous');
    return result;
  });
  const batch = sqlite.transaction((jobs: readonly Job[]) => {
    for (const job of jobs) {
      // Some errors (a full disk, an I/O error) make SQLite roll the whole transaction back: then
      // nothing of the batch is kept, and no later work may run outside it and commit on its own.
      if (!sqlite.inTransaction) break;
      try {
        job.outcome = { value: one(job.work) };
      } catch (error) {
        job.outcome = { error };
      }
    }
    if (!sqlite.inTransaction) {
      // The cause is the error of the work during which SQLite ended it (the last one that ran).
      const ended = jobs.findLast((job) => job.outcome !== undefined)?.outcome;
      throw new Error('SQLite rolled the write transaction back', { cause: ended && 'error' in ended ? ended.error : undefined });
    }
  });
  handles.set(db, { db, batch, queue: [] });
}

/** Runs the queued works as one transaction, then settles each caller's promise once it is committed. */
function flush(handle: Handle): void {
  const jobs = handle.queue;
  handle.queue = [];
  handle.db
    .connection()
    .execute(async () => guardSqliteBusy(() => handle.batch.immediate(jobs)))
    .then(
      () => {
        for (const job of jobs) {
          const outcome = job.outcome ?? { error: new Error('not run') };
          if ('error' in outcome) job.reject(outcome.error);
          else job.resolve(outcome.value);
        }
      },
      (error: unknown) => {
        for (const job of jobs) job.reject(error);
      },
    );
}

/**
 * Runs `work` in a SQLite write transaction, synchronously, on the connection Kysely uses, while
 * holding it: Kysely's SQLite driver lends its single connection to one caller at a time (a lock), so
 * no Kysely query or transaction can interleave with these statements, nor these with a Kysely
 * transaction another request has open. `BEGIN IMMEDIATE` takes the write lock at the start (another
 * process on the same file waits `busy_timeout` there, rather than failing at the first write);
 * SQLITE_BUSY becomes the core's TemporarilyUnavailableError (503), as for every statement.
 *
 * Group commit: the works asked for during one turn of the event loop run one after the other in one
 * transaction, each in a savepoint of its own, and are committed together; each promise settles after
 * that commit. A work that throws is rolled back alone (its savepoint) and its promise rejects with
 * its error; the others are unaffected. Each work sees the writes of the works before it, as if they
 * had run one after the other; a failed commit rejects them all, and nothing of them is kept.
 *
 * Why not `db.transaction()`: on the token path Kysely's transaction and query machinery (begin,
 * compile, a promise per statement, commit) cost more of the event loop than SQLite took to run the
 * statements, and a commit (the WAL's page writes) is the dearest statement; measured in ADR 0032.
 * Only for short writes with nothing to wait for in between.
 */
export function sqliteWriteTransaction<T>(db: Kysely<Database>, work: (write: SqliteWrite) => T): Promise<T> {
  const handle = handles.get(db);
  if (handle === undefined) return Promise.reject(new Error('sqliteWriteTransaction needs a SQLite storage opened by openStorage'));
  return new Promise<T>((resolve, reject) => {
    if (handle.queue.length === 0) setImmediate(flush, handle);
    handle.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
  });
}
