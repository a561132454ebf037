import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseEnvironment, freePort, repoRoot, type ServerProcess, startServer, waitUntilUp } from '../lib/processes';

const BUILT_ENTRY = 'packages/server/dist/main.js';
const SOURCE_ENTRY = 'packages/server/src/main.ts';

/**
 * How Countersign is started: the built server (`node packages/server/dist/main.js`, what production
 * runs) when it exists, else the sources through tsx. The one place that knows; everything in bench/
 * starts Countersign through `startCountersign`.
 */
export function countersignCommand(): { args: string[]; label: string } {
  const flags = startFlags();
  const built = [...flags, BUILT_ENTRY];
  if (existsSync(join(repoRoot, BUILT_ENTRY))) return { args: built, label: `node ${built.join(' ')}` };
  const source = [...flags, '--import', 'tsx', SOURCE_ENTRY];
  return { args: source, label: `node ${source.join(' ')}` };
}

/**
 * Node's flags in `npm start` (the root package.json's `start` script, which docs/deployment.md
 * repeats): the benchmark starts Countersign with them, as deployed (ADR 0037).
 */
function startFlags(): string[] {
  const start = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const command = / node ((?:--\S+ )*)packages\/server\/dist\/main\.js/.exec(start);
  if (!command) throw new Error(`npm start does not run node packages/server/dist/main.js: ${start}`);
  return (command[1] as string).trim().split(' ').filter(Boolean);
}

export interface CountersignOptions {
  /** A name for messages: "Countersign (SQLite)". */
  name: string;
  /** Temp directory for the SQLite file and the stderr file. */
  dataDir: string;
  /** `postgres://…` of a database the harness created; SQLite in `dataDir` when absent. */
  databaseUrl?: string;
  /** COUNTERSIGN_TOKEN_RATE_LIMIT: 1,000,000 (on, never reached) or 0 (off). */
  tokenRateLimit: number;
  /** Options for node itself, before the entry point (`--cpu-prof` for bench:profile). */
  nodeArgs?: string[];
}

export interface CountersignServer extends ServerProcess {
  readonly adminToken: string;
}

/**
 * Countersign as deployed (NODE_ENV=production, logs at info, the rate limiter on), with what a
 * benchmark needs to differ: an http issuer on 127.0.0.1 (so COUNTERSIGN_ENV=development), no demo
 * store, explicit secrets made for this run, and the token rate limit given by the caller.
 */
export async function startCountersign(options: CountersignOptions): Promise<CountersignServer> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const adminToken = randomBytes(32).toString('base64url');
  const env: Record<string, string> = {
    ...baseEnvironment(),
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    COUNTERSIGN_ISSUER: origin,
    COUNTERSIGN_ENV: 'development',
    COUNTERSIGN_DEMO: '0',
    COUNTERSIGN_LOG_LEVEL: 'info',
    COUNTERSIGN_ADMIN_TOKEN: adminToken,
    COUNTERSIGN_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
    COUNTERSIGN_SQLITE_PATH: join(options.dataDir, `${slug(options.name)}.sqlite`),
    COUNTERSIGN_TOKEN_RATE_LIMIT: String(options.tokenRateLimit),
  };
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  const { args } = countersignCommand();
  const server = startServer(
    options.name,
    origin,
    process.execPath,
    [...(options.nodeArgs ?? []), ...args],
    env,
    join(options.dataDir, `${slug(options.name)}.stderr`),
  );
  await waitUntilUp(server, '/readyz');
  return { ...server, adminToken };
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}
