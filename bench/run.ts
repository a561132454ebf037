import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';

/**
 * `npm run bench`: the token endpoint's client_credentials grant, Countersign side by side with
 * node-oidc-provider, on this machine, over loopback. Each server runs in its own process. The load
 * comes from wrk when it is installed (Debian's `wrk`: a C load generator that leaves the servers the
 * CPU they need), else from autocannon in this process. Bounded: BENCH_SECONDS (default 10) per run
 * after a 2 s warm-up.
 */
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const root = new URL('..', import.meta.url).pathname;

function start(command: string, args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  child.on('exit', (code) => {
    if (code && code !== 143 && code !== 0) console.error(`${args.join(' ')} exited with ${code}`);
  });
  return child;
}

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not come up`);
}

async function json(url: string, init: RequestInit & { token: string }, body: unknown): Promise<Record<string, string>> {
  const res = await fetch(url, {
    ...init,
    headers: { authorization: `Bearer ${init.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${init.method} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, string>;
}

interface Figures {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

function hasWrk(): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    // wrk prints its version and exits 1; only a missing binary is ENOENT.
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}
const loadGenerator = process.env.BENCH_LOADGEN ?? (hasWrk() ? 'wrk' : 'autocannon');

function wrk(name: string, url: string, headers: Record<string, string>, body: string, duration: number): Figures {
  const script = join(dataDir, 'request.lua');
  const lines = [
    `wrk.method = "POST"`,
    `wrk.body = ${JSON.stringify(body)}`,
    `wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"`,
  ];
  for (const [k, v] of Object.entries(headers)) lines.push(`wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`);
  writeFileSync(script, lines.join('\n'));
  const out = execFileSync('wrk', ['-t1', `-c${connections}`, `-d${duration}s`, '--latency', '-s', script, url], { encoding: 'utf8' });
  const ms = (label: string) => {
    const m = new RegExp(`\\s${label}%\\s+([\\d.]+)(us|ms|s)`).exec(out);
    if (!m) return Number.NaN;
    const v = Number(m[1]);
    return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
  };
  return {
    name,
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? Number.NaN),
    p50: ms('50'),
    p99: ms('99'),
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
    errors: Number(
      /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/
        .exec(out)
        ?.slice(1)
        .reduce((a, b) => a + Number(b), 0) ?? 0,
    ),
  };
}

async function load(name: string, url: string, headers: Record<string, string>, body: string): Promise<Figures> {
  if (loadGenerator === 'wrk') {
    wrk(name, url, headers, body, 2);
    return wrk(name, url, headers, body, seconds);
  }
  const options = {
    url,
    method: 'POST' as const,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
    connections,
  };
  await autocannon({ ...options, duration: 2 });
  const r = await autocannon({ ...options, duration: seconds });
  return { name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
}

const children: ChildProcess[] = [];
const dataDir = mkdtempSync(join(tmpdir(), 'countersign-bench-'));
try {
  const adminToken = randomBytes(32).toString('base64url');
  const csPort = 4200;
  const peerPort = 4201;
  const issuer = `http://127.0.0.1:${csPort}`;
  children.push(
    start(process.execPath, ['--import', 'tsx', 'packages/server/src/main.ts'], {
      PORT: String(csPort),
      COUNTERSIGN_ISSUER: issuer,
      COUNTERSIGN_SQLITE_PATH: join(dataDir, 'bench.sqlite'),
      COUNTERSIGN_ADMIN_TOKEN: adminToken,
      COUNTERSIGN_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
      COUNTERSIGN_DEMO: '0',
      COUNTERSIGN_LOG_LEVEL: 'warn',
      COUNTERSIGN_TOKEN_RATE_LIMIT: '0',
      COUNTERSIGN_ENV: 'development',
    }),
  );
  const peerSecret = randomBytes(36).toString('hex');
  children.push(
    start(process.execPath, ['--import', 'tsx', 'bench/peers/oidc-provider-server.ts', String(peerPort), peerSecret], {
      NODE_ENV: 'production',
    }),
  );
  await waitFor(`${issuer}/readyz`);
  await waitFor(`http://127.0.0.1:${peerPort}/.well-known/openid-configuration`);

  const api = `${issuer}/provisioning/v1`;
  const store = await json(`${api}/stores`, { method: 'POST', token: adminToken }, { slug: 'bench', name: 'Bench', currency: 'EUR' });
  const location = await json(
    `${api}/stores/${store.id}/stock_locations`,
    { method: 'POST', token: adminToken },
    { mode: 'test', code: 'eu', name: 'EU' },
  );
  const prices = await json(
    `${api}/stores/${store.id}/price_lists`,
    { method: 'POST', token: adminToken },
    { mode: 'test', code: 'eur', name: 'EUR', currency: 'EUR' },
  );
  await json(
    `${api}/stores/${store.id}/markets`,
    { method: 'POST', token: adminToken },
    {
      mode: 'test',
      code: 'europe',
      name: 'Europe',
      active: true,
      price_list_id: prices.id,
      stock_location_ids: [location.id],
    },
  );
  const integration = await json(
    `${api}/stores/${store.id}/credentials`,
    { method: 'POST', token: adminToken },
    {
      mode: 'test',
      kind: 'integration',
      name: 'bench',
      scopes: ['stores.view'],
    },
  );
  const channel = await json(
    `${api}/stores/${store.id}/credentials`,
    { method: 'POST', token: adminToken },
    { mode: 'test', kind: 'sales_channel', name: 'bench' },
  );

  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
  const results = [
    await load(
      'Countersign  integration, Basic',
      `${issuer}/oauth/token`,
      { authorization: basic(integration.client_id!, integration.client_secret!) },
      'grant_type=client_credentials',
    ),
    await load(
      'Countersign  sales channel + market',
      `${issuer}/oauth/token`,
      {},
      `grant_type=client_credentials&client_id=${channel.client_id}&scope=market:code:europe`,
    ),
    await load(
      'oidc-provider 9  client, Basic, JWT',
      `http://127.0.0.1:${peerPort}/token`,
      { authorization: basic('bench', peerSecret) },
      'grant_type=client_credentials&scope=api',
    ),
  ];

  console.log(
    `\nclient_credentials, ${connections} connections, ${seconds} s each, ES256 JWT access tokens, Node ${process.version}, load from ${loadGenerator}\n`,
  );
  console.log('server                                 req/s    p50 ms   p99 ms   non-2xx  errors');
  for (const r of results) {
    console.log(
      `${r.name.padEnd(36)} ${r.rps.toFixed(0).padStart(8)} ${String(r.p50).padStart(9)} ${String(r.p99).padStart(8)} ${String(r.non2xx).padStart(9)} ${String(r.errors).padStart(7)}`,
    );
  }
  const peer = results[2]!.rps;
  console.log(
    `\nCountersign / oidc-provider: ${(results[0]!.rps / peer).toFixed(2)}× (integration), ${(results[1]!.rps / peer).toFixed(2)}× (sales channel)`,
  );
  if (results.some((r) => r.non2xx > 0 || r.errors > 0)) {
    console.error('some requests failed: the figures above are not comparable');
    process.exitCode = 1;
  }
} finally {
  for (const child of children) child.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
}
