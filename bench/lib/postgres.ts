import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { onCleanup } from './processes';

/** The server's maintenance database, reached only to create and drop the harness's own databases. */
const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface ScratchDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

/**
 * Creates a database of the harness's own (a fresh name per run) on the local PostgreSQL and
 * registers its drop with the run's cleanup. No other database is read or written.
 */
export async function createScratchDatabase(prefix: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin(`create database ${name}`);
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    await admin(`drop database if exists ${name} with (force)`);
  };
  onCleanup(drop);
  return { name, url: `postgres://postgres@127.0.0.1:5432/${name}`, drop };
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`PostgreSQL does not answer at 127.0.0.1:5432 (${error instanceof Error ? error.message : String(error)})`);
  }
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
