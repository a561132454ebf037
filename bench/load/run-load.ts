import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runChild } from '../lib/processes';
import type { DriverSpec, Figures, FixedRequest, LoadOptions } from './load-spec';

export type LoadGenerator = 'wrk' | 'autocannon';

/** Debian's wrk when it is installed, else autocannon (in a child process). */
export function detectLoadGenerator(): LoadGenerator {
  return wrkVersion() ? 'wrk' : 'autocannon';
}

/** `wrk --version` prints its version and exits 1; only a missing binary is ENOENT. */
export function wrkVersion(): string | undefined {
  try {
    return firstLine(execFileSync('wrk', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stdout?: string };
    if (e.code === 'ENOENT') return undefined;
    return firstLine(e.stdout ?? '') || 'wrk (version unknown)';
  }
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').replace(/\s+Copyright.*$/, '').trim();
}

/** Writes a file only this user can read (it holds secrets), returns its path and a remover. */
function privateFile(dir: string, name: string, content: string): { path: string; remove(): void } {
  const path = join(dir, `${name}-${randomBytes(4).toString('hex')}`);
  writeFileSync(path, content, { mode: 0o600 });
  return { path, remove: () => rmSync(path, { force: true }) };
}

const slack = (options: LoadOptions) => (options.warmupSeconds + options.seconds) * 1000 + 60_000;

/** A fixed request, from wrk (one thread) or autocannon, both in their own processes. */
export async function runFixed(generator: LoadGenerator, request: FixedRequest, options: LoadOptions, workDir: string): Promise<Figures> {
  if (generator === 'autocannon') {
    const spec = privateFile(workDir, 'autocannon.json', JSON.stringify({ request, options }));
    try {
      return parseDriverOutput(
        await runChild(process.execPath, ['--import', 'tsx', 'bench/load/autocannon-driver.ts', spec.path], { timeoutMs: slack(options) }),
      );
    } finally {
      spec.remove();
    }
  }
  const lines = [`wrk.method = ${lua(request.method)}`];
  if (request.body !== undefined) lines.push(`wrk.body = ${lua(request.body)}`);
  for (const [k, v] of Object.entries(request.headers)) lines.push(`wrk.headers[${lua(k)}] = ${lua(v)}`);
  const script = privateFile(workDir, 'request.lua', `${lines.join('\n')}\n`);
  try {
    const args = (seconds: number) => ['-t1', `-c${options.connections}`, `-d${seconds}s`, '--latency', '-s', script.path, request.url];
    if (options.warmupSeconds > 0) await runChild('wrk', args(options.warmupSeconds), { timeoutMs: slack(options) });
    const run = await runChild('wrk', args(options.seconds), { timeoutMs: slack(options) });
    if (run.code !== 0) throw new Error(`wrk exited with ${run.code}: ${run.stderr.trim()}`);
    return parseWrk(run.stdout);
  } finally {
    script.remove();
  }
}

/** A chained scenario (or the driver's own ceiling), from bench/load/chain-driver.ts in its own process. */
export async function runDriver(spec: DriverSpec, options: LoadOptions, workDir: string): Promise<Figures> {
  const file = privateFile(workDir, 'driver.json', JSON.stringify({ spec, options }));
  try {
    return parseDriverOutput(
      await runChild(process.execPath, ['--import', 'tsx', 'bench/load/chain-driver.ts', file.path], { timeoutMs: slack(options) }),
    );
  } finally {
    file.remove();
  }
}

function parseDriverOutput(run: { code: number | null; stdout: string; stderr: string }): Figures {
  const last = run.stdout.trim().split('\n').pop() ?? '';
  if (run.code !== 0 || !last.startsWith('{'))
    throw new Error(`the load driver failed (exit ${run.code}): ${run.stderr.trim().slice(-500)}`);
  return JSON.parse(last) as Figures;
}

function lua(value: string): string {
  return JSON.stringify(value);
}

/** wrk's report: Requests/sec, the --latency distribution, non-2xx/3xx answers and socket errors. */
export function parseWrk(out: string): Figures {
  const ms = (label: string) => {
    const m = new RegExp(`^\\s+${label}%\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm').exec(out);
    if (!m) return Number.NaN;
    const v = Number(m[1]);
    return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
  };
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? Number.NaN),
    p50: ms('50'),
    p99: ms('99'),
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
    errors: socket ? socket.slice(1).reduce((a, b) => a + Number(b), 0) : 0,
  };
}
