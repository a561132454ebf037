import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * Child processes of the harness: the servers, the load generators and the load drivers. Every one
 * the harness starts is remembered by its pid and ended by that pid (never by name) when the run
 * ends, on success, on error and on Ctrl-C.
 */
export const repoRoot = new URL('../..', import.meta.url).pathname;

const running = new Set<ChildProcess>();
const cleanups: Array<() => Promise<void> | void> = [];

/** Registers work to do when the run ends (drop a database, remove a temp dir), last registered first. */
export function onCleanup(fn: () => Promise<void> | void): void {
  cleanups.push(fn);
}

/** Ends every child still running and runs the cleanups; safe to call twice. */
export async function cleanUp(): Promise<void> {
  for (const child of running) stopChild(child);
  await Promise.all([...running].map((child) => exited(child, 5000)));
  while (cleanups.length > 0) {
    const fn = cleanups.pop()!;
    try {
      await fn();
    } catch (error) {
      console.error(`cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** Ctrl-C or a SIGTERM ends the children and cleans up before exiting. */
export function cleanUpOnSignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping the servers and cleaning up`);
      void cleanUp().finally(() => process.exit(130));
    });
  }
}

function stopChild(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) child.kill('SIGTERM');
}

function exited(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      // Still there after SIGTERM: this pid is ours, so SIGKILL it.
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      resolve();
    }, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface ServerProcess {
  readonly name: string;
  readonly origin: string;
  readonly child: ChildProcess;
  /** Where the process's stderr goes (its stdout, the JSON logs, goes to /dev/null). */
  readonly stderrFile: string;
  stop(): Promise<void>;
}

/** This process's environment without the variables that would change a server's behaviour. */
export function baseEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || /^(COUNTERSIGN_|DATABASE_URL$|REDIS_URL$|HOST$|PORT$|NODE_ENV$|BENCH_)/.test(key)) continue;
    env[key] = value;
  }
  return env;
}

/**
 * Starts a long-running server with `env` as its whole environment (see `baseEnvironment`). Its stdout (Countersign's JSON logs: produced, so paid for, but not
 * printed) goes to /dev/null; its stderr to `stderrFile`, shown when it fails to come up.
 */
export function startServer(
  name: string,
  origin: string,
  command: string,
  args: string[],
  env: Record<string, string>,
  stderrFile: string,
): ServerProcess {
  const devNull = openSync('/dev/null', 'w');
  const errFd = openSync(stderrFile, 'w', 0o600);
  const child = spawn(command, args, { cwd: repoRoot, env, stdio: ['ignore', devNull, errFd] });
  closeSync(devNull);
  closeSync(errFd);
  running.add(child);
  child.once('exit', () => running.delete(child));
  return {
    name,
    origin,
    child,
    stderrFile,
    async stop() {
      stopChild(child);
      await exited(child, 5000);
    },
  };
}

/** Waits until `url` answers 2xx; fails at once if the server's process exits, or after `timeoutMs`. */
export async function waitUntilUp(server: ServerProcess, path: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null || server.child.signalCode !== null) break;
    try {
      if ((await fetch(`${server.origin}${path}`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 150));
  }
  const tail = readTail(server.stderrFile);
  throw new Error(`${server.name} did not come up at ${server.origin}${path}${tail ? `; its stderr ends with:\n${tail}` : ''}`);
}

function readTail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-20).join('\n').trim();
  } catch {
    return '';
  }
}

export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a short-lived child (wrk, a load driver) to completion, killing it after `timeoutMs`: every
 * load run is bounded even if the child hangs.
 */
export function runChild(
  command: string,
  args: string[],
  options: { timeoutMs: number; env?: Record<string, string> },
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${options.timeoutMs} ms)`;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      running.delete(child);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}
