import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import type { CodeFlowTarget, DriverSpec, Figures, LoadOptions } from './load-spec';

/**
 * The load driver for requests that depend on the previous answer (a rotated refresh token, a fresh
 * code), in its own process: `node --import tsx bench/load/chain-driver.ts SPEC.json`. One undici Pool
 * with one socket per connection; each connection runs its own chain, one request at a time, for the
 * warm-up and then the measured seconds. Prints one JSON line of Figures.
 */
const { spec, options } = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as { spec: DriverSpec; options: LoadOptions };

class Failure extends Error {
  constructor(
    readonly kind: 'status' | 'error',
    message: string,
  ) {
    super(message);
  }
}

const origin = spec.kind === 'fixed' ? new URL(spec.request.url).origin : spec.target.origin;
const fixedPath = spec.kind === 'fixed' ? new URL(spec.request.url).pathname + new URL(spec.request.url).search : '';
const pool = new Pool(origin, { connections: options.connections, pipelining: 1, keepAliveTimeout: 60_000 });

async function send(method: 'GET' | 'POST', path: string, headers: Record<string, string>, body?: string) {
  try {
    return await pool.request({ method, path, headers, body });
  } catch (error) {
    throw new Failure('error', `${method} ${path.split('?')[0]}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function expectJson(res: Awaited<ReturnType<typeof send>>, what: string): Promise<Record<string, unknown>> {
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Failure('status', `${what}: ${res.statusCode} ${text.slice(0, 200)}`);
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Failure('error', `${what}: not JSON`);
  }
}

/** GET the authorization endpoint with the session (a redirect with the code), then the token. */
async function codeFlow(t: CodeFlowTarget): Promise<Record<string, unknown>> {
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(8).toString('base64url');
  const query = new URLSearchParams({
    ...t.authorizeParams,
    state,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  const authorized = await send('GET', `${t.authorizePath}?${query}`, { cookie: t.cookie });
  await authorized.body.dump();
  const location = authorized.headers.location;
  if ((authorized.statusCode !== 302 && authorized.statusCode !== 303) || typeof location !== 'string') {
    throw new Failure('status', `authorization: ${authorized.statusCode}, not a redirect with a code`);
  }
  const back = new URL(location, t.origin);
  const code = back.searchParams.get('code');
  if (!location.startsWith(t.redirectUri) || !code || back.searchParams.get('state') !== state) {
    throw new Failure('status', `authorization: redirected to ${back.origin}${back.pathname} without a code for this state`);
  }
  const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: t.redirectUri, code_verifier: verifier });
  const token = await send(
    'POST',
    t.tokenPath,
    { authorization: t.authorization, 'content-type': 'application/x-www-form-urlencoded' },
    body.toString(),
  );
  return expectJson(token, 'code exchange');
}

async function refresh(t: CodeFlowTarget, refreshToken: string): Promise<string> {
  const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken });
  const res = await send(
    'POST',
    t.tokenPath,
    { authorization: t.authorization, 'content-type': 'application/x-www-form-urlencoded' },
    body.toString(),
  );
  const answer = await expectJson(res, 'refresh');
  // Rotation: the answer's refresh token replaces the one just used (a server that did not rotate would resend none).
  return typeof answer.refresh_token === 'string' ? answer.refresh_token : refreshToken;
}

async function firstRefreshToken(t: CodeFlowTarget): Promise<string> {
  const answer = await codeFlow(t);
  if (typeof answer.refresh_token !== 'string') throw new Failure('status', 'code exchange: no refresh_token');
  return answer.refresh_token;
}

let measuring = false;
let stopAt = Number.POSITIVE_INFINITY;
const latencies: number[] = [];
let non2xx = 0;
let errors = 0;
let firstFailure: string | undefined;

/** A failure in the warm-up counts too: a run that failed anywhere is not valid. */
function fail(error: unknown): void {
  if (error instanceof Failure && error.kind === 'status') non2xx++;
  else errors++;
  firstFailure ??= error instanceof Error ? error.message : String(error);
}

/** One connection's chain: runs until the clock passes `stopAt`. */
async function connectionLoop(): Promise<void> {
  let refreshToken: string | undefined;
  while (performance.now() < stopAt) {
    const started = performance.now();
    try {
      if (spec.kind === 'fixed') {
        const r = spec.request;
        const res = await send(r.method, fixedPath, r.headers, r.body);
        await res.body.dump();
        if (res.statusCode >= 400) throw new Failure('status', `${r.method} ${fixedPath}: ${res.statusCode}`);
      } else if (spec.kind === 'code-flow') {
        await codeFlow(spec.target);
      } else {
        // The chain's first token is setup, not an iteration.
        if (refreshToken === undefined) {
          refreshToken = await firstRefreshToken(spec.target);
          continue;
        }
        refreshToken = await refresh(spec.target, refreshToken);
      }
      const finished = performance.now();
      if (measuring && finished <= stopAt) latencies.push(finished - started);
    } catch (error) {
      fail(error);
      // A broken chain starts again from a new code; a pause keeps a dead server from being hammered.
      refreshToken = undefined;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

const loops = Array.from({ length: options.connections }, () => connectionLoop());
await new Promise((r) => setTimeout(r, options.warmupSeconds * 1000));
latencies.length = 0;
measuring = true;
const measureStart = performance.now();
stopAt = measureStart + options.seconds * 1000;
await Promise.all(loops);
const elapsed = (Math.min(performance.now(), stopAt) - measureStart) / 1000;
await pool.close();

latencies.sort((a, b) => a - b);
const pct = (p: number) =>
  latencies.length === 0 ? Number.NaN : (latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] as number);
const figures: Figures = {
  rps: latencies.length / elapsed,
  p50: pct(0.5),
  p99: pct(0.99),
  non2xx,
  errors,
  ...(firstFailure ? { firstFailure } : {}),
};
process.stdout.write(`${JSON.stringify(figures)}\n`);
