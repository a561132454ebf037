import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { TEST_ADMIN_TOKEN } from './test-config';
import { TEST_DATABASE_URL } from './test-storage';

const serverDir = new URL('../..', import.meta.url).pathname;

export interface SpawnedServer {
  readonly child: ChildProcess;
  readonly url: string;
  /** Every line the process wrote so far (stdout and stderr). */
  readonly lines: string[];
  /** Resolves with the first line (already written or still to come) that matches. */
  waitForLine(pattern: RegExp): Promise<string>;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  readonly exited: Promise<number | string>;
}

/**
 * Runs the real server (src/main.ts, as `npm start` does) in a child process on a free port and
 * resolves once it listens. The environment is a test deployment's; `env` overrides it.
 */
export async function spawnServer(env: Record<string, string>): Promise<SpawnedServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: serverDir,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      COUNTERSIGN_ENV: 'test',
      COUNTERSIGN_ISSUER: 'http://127.0.0.1:4000',
      COUNTERSIGN_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      COUNTERSIGN_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
      COUNTERSIGN_DEMO: '0',
      COUNTERSIGN_LOG_LEVEL: 'info',
      COUNTERSIGN_TOKEN_RATE_LIMIT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const take = (stream: NodeJS.ReadableStream) => {
    let pending = '';
    stream.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        for (const waiter of [...waiters]) {
          if (waiter.pattern.test(line)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(line);
          }
        }
      }
    });
  };
  take(child.stdout as NodeJS.ReadableStream);
  take(child.stderr as NodeJS.ReadableStream);
  const waitForLine = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const seen = lines.find((line) => pattern.test(line));
      if (seen !== undefined) return resolve(seen);
      waiters.push({ pattern, resolve });
      exited.then((code) => reject(new Error(`the server exited (${code}) before printing ${pattern}:\n${lines.join('\n')}`)));
    });
  const banner = await waitForLine(/Countersign is listening on http:\/\/127\.0\.0\.1:\d+/);
  const url = /http:\/\/127\.0\.0\.1:\d+/.exec(banner)?.[0] as string;
  return { child, url, lines, waitForLine, exited };
}

/**
 * A PostgreSQL schema of its own for a spawned server (whose DATABASE_URL selects it through the
 * `options` parameter), and a function that drops it again.
 */
export async function spawnedServerSchema(
  databaseUrl = TEST_DATABASE_URL,
): Promise<{ databaseUrl: string; schema: string; drop(): Promise<void> }> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    databaseUrl: url.toString(),
    schema,
    async drop() {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}
