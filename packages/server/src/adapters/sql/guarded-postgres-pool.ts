import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';
import { TemporarilyUnavailableError } from '../../core/errors/temporarily-unavailable-error';
import { isStorageUnavailable } from './dialect';

/**
 * The pool Kysely sees: node-postgres's, except that a lost, refused or timed-out connection surfaces
 * as the core's TemporarilyUnavailableError (503 `temporarily_unavailable` on the wire, not 500), and a
 * client that failed that way is destroyed instead of returned to the pool, so that the service comes
 * back by itself, on fresh connections, once the database answers again.
 */
export function guardedPostgresPool(pool: pg.Pool): PostgresPool {
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
          const result = query(...args);
          if (!(result instanceof Promise)) return result; // a cursor (streaming), which reports its own errors
          return result.catch((error: unknown) => {
            if (isStorageUnavailable(error)) broken = true;
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

function translated(error: unknown): unknown {
  return isStorageUnavailable(error) ? Object.assign(new TemporarilyUnavailableError(), { cause: error }) : error;
}
