import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REPO_ROOT = new URL('../../../../', import.meta.url).pathname;
const READY_WITHIN_MS = 90_000;
const STOP_WITHIN_MS = 10_000;

/** A Countersign server running as its own process on 127.0.0.1, with an empty database and an admin token. */
export interface CountersignServer {
  readonly issuer: string;
  /** Where this instance listens (the issuer's address for the first instance; its own for a second one). */
  readonly address: string;
  /** What a second instance needs to serve the same database as this one. */
  readonly shared: SharedInstance;
  /** A provisioning API call with the admin token; throws on an unexpected status. */
  admin<T = Record<string, unknown>>(method: string, path: string, body?: unknown, expectStatus?: number): Promise<T>;
  stop(): Promise<void>;
}

/** The database, keys, issuer and admin token that several instances of one deployment share. */
export interface SharedInstance {
  readonly issuer: string;
  readonly sqlitePath: string;
  readonly adminToken: string;
  readonly keyEncryptionKey: string;
}

export interface StartOptions {
  /** Start a further instance of the deployment of this one: same database, keys and issuer, its own port. */
  readonly sameDeploymentAs?: CountersignServer;
  /** REDIS_URL: the instance shares rate limits and the change channel over this Redis. */
  readonly redisUrl?: string;
}

/** A port free on 127.0.0.1 right now (the server binds it a moment later). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The environment without anything that would point the server elsewhere (a database, Redis, other settings). */
function cleanEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith('COUNTERSIGN_') || name === 'DATABASE_URL' || name === 'REDIS_URL' || name === 'HOST' || name === 'PORT') continue;
    env[name] = value;
  }
  return env;
}

/**
 * Starts `node --import tsx packages/server/src/main.ts` from the repository root, as `npm start`
 * does, on a free port of 127.0.0.1, with SQLite in a fresh temporary directory, no demo store and
 * no rate limit on the token endpoint, and waits until `/readyz` answers. Every secret is generated
 * here for this run and never printed.
 */
export async function startCountersign(options: StartOptions = {}): Promise<CountersignServer> {
  const port = await freePort();
  const address = `http://127.0.0.1:${port}`;
  const owner = options.sameDeploymentAs === undefined;
  const dir = owner ? mkdtempSync(join(tmpdir(), 'countersign-sdk-')) : undefined;
  const shared: SharedInstance = options.sameDeploymentAs?.shared ?? {
    issuer: address,
    sqlitePath: join(dir as string, 'cs.sqlite'),
    adminToken: randomBytes(30).toString('base64url'), // 40 characters
    keyEncryptionKey: randomBytes(32).toString('base64url'),
  };
  const { issuer, adminToken } = shared;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'packages/server/src/main.ts'], {
    cwd: REPO_ROOT,
    env: {
      ...cleanEnvironment(),
      HOST: '127.0.0.1',
      PORT: String(port),
      COUNTERSIGN_ISSUER: issuer,
      COUNTERSIGN_SQLITE_PATH: shared.sqlitePath,
      COUNTERSIGN_DEMO: '0',
      COUNTERSIGN_ADMIN_TOKEN: adminToken,
      COUNTERSIGN_KEY_ENCRYPTION_KEY: shared.keyEncryptionKey,
      ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
      COUNTERSIGN_TOKEN_RATE_LIMIT: '0',
      COUNTERSIGN_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_WITHIN_MS);
      await exited;
      clearTimeout(timer);
    }
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  };

  try {
    await waitUntilReady(address, exited, () => output);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    issuer,
    address,
    shared,
    stop,
    async admin(method, path, body, expectStatus) {
      const response = await fetch(`${address}/provisioning/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      const expected = expectStatus ?? (method === 'POST' ? 201 : 200);
      if (response.status !== expected) throw new Error(`${method} ${path}: ${response.status} ${text}`);
      return (text === '' ? {} : JSON.parse(text)) as never;
    },
  };
}

async function waitUntilReady(address: string, exited: Promise<number | null>, output: () => string): Promise<void> {
  const deadline = Date.now() + READY_WITHIN_MS;
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  while (Date.now() < deadline) {
    if (gone) throw new Error(`the server exited before it was ready:\n${output()}`);
    try {
      const response = await fetch(`${address}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the server at ${address} was not ready within ${READY_WITHIN_MS / 1000} s:\n${output()}`);
}
