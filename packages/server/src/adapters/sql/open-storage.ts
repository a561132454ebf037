import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database-schema';
import { type Dialect, isUniqueViolation } from './dialect';
import { guardedPostgresPool } from './guarded-postgres-pool';
import { migrateToLatest } from './migrate-to-latest';
import { attachSqliteWrites } from './sqlite-write-transaction';
import { withStatementCache } from './statement-cache';
import { startWalCheckpointer } from './wal-checkpointer';

export interface Storage {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  /** PostgreSQL: the schema the tables live in (Kysely's migration tables are qualified with it). */
  readonly schema?: string;
  /** Cheap liveness probe for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface StorageOptions {
  /** PostgreSQL when set; SQLite at `sqlitePath` otherwise. */
  databaseUrl?: string | undefined;
  sqlitePath?: string;
  /** PostgreSQL schema to use (tests isolate themselves with one each); created when missing. */
  pgSchema?: string;
  /** Apply pending migrations before returning (default true). */
  migrate?: boolean;
  /**
   * PostgreSQL: milliseconds a statement may run (server-side `statement_timeout`), a connection may
   * take to open, and a reply may take to arrive over a stalled network (client-side, one second
   * later); a request that hits one is answered 503 `temporarily_unavailable`. 0 or unset: no bound.
   */
  statementTimeoutMs?: number;
  /** PostgreSQL: connections in the pool (default 10). */
  poolSize?: number;
  /**
   * PostgreSQL: run parameterised statements as named prepared statements, parsed and planned once per
   * connection (default true). Off for a connection pooler that does not keep them across transactions
   * (PgBouncer in transaction mode before 1.21, or without max_prepared_statements).
   */
  preparedStatements?: boolean;
}

const INT8_OID = 20;

/** Opens the database named by the options, applies migrations and returns the handle. */
export async function openStorage(options: StorageOptions): Promise<Storage> {
  const storage = options.databaseUrl
    ? await openPostgres(options.databaseUrl, options.pgSchema, {
        timeoutMs: options.statementTimeoutMs ?? 0,
        poolSize: options.poolSize ?? 10,
        prepared: options.preparedStatements ?? true,
      })
    : openSqlite(options.sqlitePath ?? ':memory:');
  if (options.migrate !== false) await migrateToLatest(storage);
  return storage;
}

function openSqlite(path: string): Storage {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SqliteDatabase(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  // A file's WAL is checkpointed from a thread of its own, not by the commits on the event loop (ADR 0030).
  const checkpointer = path === ':memory:' ? undefined : startWalCheckpointer(sqlite);
  const statements = withStatementCache(sqlite);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: statements }) });
  attachSqliteWrites(db, sqlite, statements);
  return {
    db,
    dialect: 'sqlite',
    ping: async () => {
      sqlite.prepare('select 1').get();
    },
    close: async () => {
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}

async function openPostgres(
  connectionString: string,
  schema: string | undefined,
  { timeoutMs, poolSize, prepared }: { timeoutMs: number; poolSize: number; prepared: boolean },
): Promise<Storage> {
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
  if (schema) {
    const admin = new pg.Client({ connectionString });
    await admin.connect();
    try {
      await admin.query(`create schema if not exists ${schema}`);
    } catch (error) {
      // Two callers creating the schema at once: "if not exists" is not atomic in PostgreSQL.
      if (!isUniqueViolation(error) && (error as { code?: string }).code !== '42P06') throw error;
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({
    connectionString,
    max: poolSize,
    ...(timeoutMs > 0 ? { statement_timeout: timeoutMs, query_timeout: timeoutMs + 1000, connectionTimeoutMillis: timeoutMs } : {}),
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
    // bigint columns (the audit log's id, counts) come back as numbers: they stay far below 2^53.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: guardedPostgresPool(pool, { prepared }) }) });
  const current = (await pool.query<{ schema: string }>('select current_schema() as schema')).rows[0]?.schema;
  return {
    db,
    dialect: 'postgres',
    schema: schema ?? current ?? 'public',
    ping: async () => {
      await pool.query('select 1');
    },
    close: () => db.destroy(),
  };
}
