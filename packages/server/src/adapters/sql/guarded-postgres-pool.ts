import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';
import { TemporarilyUnavailableError } from '../../core/errors/temporarily-unavailable-error';
import { isStorageUnavailable } from './dialect';

/** How many distinct statement texts get a name; any beyond run unnamed (parsed on every call). */
const NAMED_STATEMENT_LIMIT = 500;

/**
 * The pool Kysely sees: node-postgres's, except that a lost, refused or timed-out connection surfaces
 * as the core's TemporarilyUnavailableError (503 `temporarily_unavailable` on the wire, not 500), and a
 * client that failed that way is destroyed instead of returned to the pool, so that the service comes
 * back by itself, on fresh connections, once the database answers again.
 *
 * With `prepared`, a statement with parameters runs as a named prepared statement: each connection
 * parses and plans it once, then only binds and executes it (Countersign's statements are a fixed set
 * of texts; the first 500 distinct ones get a name). A prepared statement whose table changed shape
 * under it (a migration by a newer instance) fails with "cached plan must not change result type":
 * that connection is then destroyed, as a broken one is, so the pool's next one parses afresh.
 */
export function guardedPostgresPool(pool: pg.Pool, { prepared }: { prepared: boolean } = { prepared: false }): PostgresPool {
  const names = new Map<string, string>();
  const named = (text: string): string | undefined => {
    let name = names.get(text);
    if (name === undefined && names.size < NAMED_STATEMENT_LIMIT) {
      name = `countersign_${names.size}`;
      names.set(text, name);
    }
    return name;
  };
  // Idle clients whose connection drops emit 'error' on the pool; unhandled, it would end the process.
  // The pool has already discarded such a client; the next request opens a new connection.
  pool.on('error', () => {});
  return {
    async connect(): Promise<PostgresPoolClient> {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw translated(error);
      }
      let broken = false;
      // pg-pool listens for errors on idle clients only: a connection that drops while checked out
      // would emit an unhandled 'error' and end the process. It marks the client broken instead (its
      // query, if any, rejects on its own). A broken client keeps the listener until it is destroyed.
      const onError = () => {
        broken = true;
      };
      client.on('error', onError);
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      return {
        // biome-ignore lint/suspicious/noExplicitAny: Kysely's PostgresPoolClient declares query with overloads.
        query: ((...args: unknown[]): any => {
          const [text, values] = args;
          const name = prepared && typeof text === 'string' && Array.isArray(values) && values.length > 0 ? named(text) : undefined;
          const result = name === undefined ? query(...args) : query({ name, text, values });
          if (!(result instanceof Promise)) return result; // a cursor (streaming), which reports its own errors
          return result.catch((error: unknown) => {
            if (isStorageUnavailable(error) || isStalePlan(error)) broken = true;
            throw translated(error);
          });
        }) as PostgresPoolClient['query'],
        release: () => {
          if (!broken) client.removeListener('error', onError);
          client.release(broken);
        },
      };
    },
    end: () => pool.end(),
  };
}

/** PostgreSQL's refusal to run a prepared statement whose result columns changed since it was planned. */
function isStalePlan(error: unknown): boolean {
  return (error as { code?: unknown }).code === '0A000' && /cached plan must not change result type/.test(String((error as Error).message));
}

function translated(error: unknown): unknown {
  return isStorageUnavailable(error) ? Object.assign(new TemporarilyUnavailableError(), { cause: error }) : error;
}
