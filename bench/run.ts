import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFlags } from './lib/cli';
import { gitRevision, machine, packageVersion } from './lib/environment';
import { basic } from './lib/http-client';
import { createScratchDatabase } from './lib/postgres';
import { cleanUp, cleanUpOnSignals, onCleanup } from './lib/processes';
import { type Row, renderTable, summarize, writeDocsSection } from './lib/report';
import { formatMs, formatNumber, positiveInt } from './lib/stats';
import type { DriverSpec, Figures, FixedRequest, LoadOptions } from './load/load-spec';
import { detectLoadGenerator, type LoadGenerator, runDriver, runFixed, wrkVersion } from './load/run-load';
import { startOidcProvider } from './peers/oidc-provider';
import { seedCountersign } from './seed/countersign-world';
import { seedOidcProvider } from './seed/oidc-provider-world';
import { startCeiling } from './servers/ceiling';
import { countersignCommand, startCountersign } from './servers/countersign';

const SCENARIOS = {
  'client-credentials': 'client_credentials, integration, HTTP Basic',
  'sales-channel': 'client_credentials, sales channel, market scope',
  refresh: 'refresh_token, rotated, chained',
  'code-flow': 'authorization code, consent reused (303 + token)',
  introspect: 'introspection of its own token',
  'reference-api': 'GET /admin/api/stores/{id} (guard, stores.view)',
} as const;
type ScenarioKey = keyof typeof SCENARIOS;
const CHAINED: ReadonlySet<ScenarioKey> = new Set(['refresh', 'code-flow']);

const SERVERS = {
  sqlite: 'Countersign, SQLite',
  'sqlite-nolimit': 'Countersign, SQLite, limiter off',
  postgres: 'Countersign, PostgreSQL',
  'postgres-nolimit': 'Countersign, PostgreSQL, limiter off',
  'oidc-provider': 'node-oidc-provider 9',
  ceiling: 'ceiling: bare Fastify',
} as const;
type ServerKey = keyof typeof SERVERS;
const DEFAULT_SERVERS: ServerKey[] = ['sqlite', 'sqlite-nolimit', 'postgres', 'oidc-provider', 'ceiling'];

const USAGE = `npm run bench [-- options]

Countersign's token, introspection and reference-API paths side by side with node-oidc-provider 9 and
a bare Fastify ceiling, each server in its own process on 127.0.0.1, the load from wrk (or autocannon)
and from a chained load driver, each in its own process. Rounds are interleaved (round 1 runs every
scenario on every server, then round 2, ...); the table shows medians. It is printed and written into
docs/benchmarks.md between <!-- bench:start --> and <!-- bench:end -->.

Options:
  --seconds N       measured seconds per run (default 3)
  --warmup N        warm-up seconds before each run, not measured (default 1; 0 = none)
  --connections N   concurrent connections (default 32)
  --rounds N        interleaved rounds; medians over them (default 3)
  --scenarios LIST  comma-separated, default all: ${Object.keys(SCENARIOS).join(', ')}
  --servers LIST    comma-separated, default ${DEFAULT_SERVERS.join(', ')};
                    also: postgres-nolimit
  --loadgen NAME    wrk or autocannon for fixed requests (default: wrk when installed)
  --no-docs         print the table only; leave docs/benchmarks.md alone
  -h, --help        this text

Countersign runs as deployed: NODE_ENV=production, COUNTERSIGN_LOG_LEVEL=info (logs to /dev/null),
the token rate limiter on with COUNTERSIGN_TOKEN_RATE_LIMIT=1000000; the "limiter off" rows set it to 0.
PostgreSQL rows need postgres://postgres@127.0.0.1:5432 (trust auth); the harness creates a database of
its own and drops it at the end. Exits 1 when any request failed.`;

type Load = { kind: 'fixed'; request: FixedRequest } | { kind: 'driver'; spec: DriverSpec };

interface Target {
  key: ServerKey;
  label: string;
  loadFor(scenario: ScenarioKey): Load | undefined;
}

function list<T extends string>(flag: string, value: string | undefined, known: readonly T[], fallback: readonly T[]): T[] {
  if (value === undefined) return [...fallback];
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = items.filter((s) => !known.includes(s as T));
  if (unknown.length > 0 || items.length === 0)
    throw new Error(`--${flag}: unknown ${unknown.join(', ') || '(empty)'}; known: ${known.join(', ')}`);
  // In the registry's order, whatever order they were given in.
  return known.filter((k) => items.includes(k));
}

function parseOptions() {
  const values = parseFlags(
    {
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      rounds: { type: 'string' },
      scenarios: { type: 'string' },
      servers: { type: 'string' },
      loadgen: { type: 'string' },
      'no-docs': { type: 'boolean' },
    },
    USAGE,
  );
  if (values.loadgen !== undefined && values.loadgen !== 'wrk' && values.loadgen !== 'autocannon') {
    throw new Error(`--loadgen must be wrk or autocannon (got ${values.loadgen})`);
  }
  const loadgen: LoadGenerator = (values.loadgen as LoadGenerator | undefined) ?? detectLoadGenerator();
  if (loadgen === 'wrk' && !wrkVersion()) throw new Error('--loadgen wrk: wrk is not installed (apt-get install -y wrk)');
  return {
    load: {
      seconds: positiveInt('seconds', values.seconds, 3),
      warmupSeconds: positiveInt('warmup', values.warmup, 1, 0),
      connections: positiveInt('connections', values.connections, 32),
    } satisfies LoadOptions,
    rounds: positiveInt('rounds', values.rounds, 3),
    scenarios: list('scenarios', values.scenarios, Object.keys(SCENARIOS) as ScenarioKey[], Object.keys(SCENARIOS) as ScenarioKey[]),
    servers: list('servers', values.servers, Object.keys(SERVERS) as ServerKey[], DEFAULT_SERVERS),
    loadgen,
    docs: values['no-docs'] !== true,
  };
}

const FORM = 'application/x-www-form-urlencoded';
const post = (url: string, headers: Record<string, string>, body: string): Load => ({
  kind: 'fixed',
  request: { method: 'POST', url, headers: { 'content-type': FORM, ...headers }, body },
});

async function countersignTarget(key: ServerKey, dataDir: string): Promise<Target> {
  const onPostgres = key.startsWith('postgres');
  const limiterOff = key.endsWith('-nolimit');
  const database = onPostgres ? await createScratchDatabase('countersign_bench') : undefined;
  const server = await startCountersign({
    name: SERVERS[key],
    dataDir,
    ...(database ? { databaseUrl: database.url } : {}),
    tokenRateLimit: limiterOff ? 0 : 1_000_000,
  });
  // Stop the server before its database is dropped (cleanups run last registered first).
  onCleanup(() => server.stop());
  const world = await seedCountersign(server.origin, server.adminToken);
  const integration = { authorization: basic(world.integration.clientId, world.integration.secret) };
  return {
    key,
    label: SERVERS[key],
    loadFor(scenario) {
      switch (scenario) {
        case 'client-credentials':
          return post(`${server.origin}/oauth/token`, integration, 'grant_type=client_credentials');
        case 'sales-channel':
          return post(
            `${server.origin}/oauth/token`,
            {},
            new URLSearchParams({
              grant_type: 'client_credentials',
              client_id: world.salesChannelId,
              scope: 'market:code:europe',
            }).toString(),
          );
        case 'refresh':
          return { kind: 'driver', spec: { kind: 'refresh', target: world.codeFlow } };
        case 'code-flow':
          return { kind: 'driver', spec: { kind: 'code-flow', target: world.codeFlow } };
        // The limiter guards the token endpoint only: a "limiter off" row here would measure nothing new.
        case 'introspect':
          return limiterOff ? undefined : post(`${server.origin}/oauth/introspect`, integration, `token=${world.backofficeToken}`);
        case 'reference-api':
          return limiterOff
            ? undefined
            : {
                kind: 'fixed',
                request: {
                  method: 'GET',
                  url: `${server.origin}/admin/api/stores/${world.storeId}`,
                  headers: { authorization: `Bearer ${world.backofficeToken}` },
                },
              };
      }
    },
  };
}

async function peerTarget(dataDir: string): Promise<Target> {
  const peer = await startOidcProvider(dataDir);
  onCleanup(() => peer.stop());
  const world = await seedOidcProvider(peer);
  return {
    key: 'oidc-provider',
    label: SERVERS['oidc-provider'],
    loadFor(scenario) {
      switch (scenario) {
        case 'client-credentials':
          return post(`${peer.origin}/token`, { authorization: basic('bench', peer.secret) }, 'grant_type=client_credentials&scope=api');
        case 'refresh':
          return { kind: 'driver', spec: { kind: 'refresh', target: world.codeFlow } };
        case 'code-flow':
          return { kind: 'driver', spec: { kind: 'code-flow', target: world.codeFlow } };
        case 'introspect':
          return post(
            `${peer.origin}/token/introspection`,
            { authorization: basic('bench-opaque', peer.secret) },
            `token=${world.opaqueToken}`,
          );
        default:
          // No sales channels or markets, and it is no resource server.
          return undefined;
      }
    },
  };
}

function describe(figures: Figures): string {
  const failures = figures.non2xx + figures.errors;
  return `${formatNumber(figures.rps).padStart(6)} req/s  p50 ${formatMs(figures.p50).padStart(5)} ms  p99 ${formatMs(figures.p99).padStart(5)} ms${
    failures > 0 ? `  ${failures} FAILED: ${figures.firstFailure ?? 'see wrk'}` : ''
  }`;
}

async function main(): Promise<void> {
  const options = parseOptions();
  // Before anything of ours runs: what the rest of the machine was doing.
  const loadBefore = loadavg()[0] ?? Number.NaN;
  const { load, rounds, scenarios, servers, loadgen } = options;
  const chained = scenarios.some((s) => CHAINED.has(s));
  const fixed = scenarios.some((s) => !CHAINED.has(s));
  cleanUpOnSignals();
  const dataDir = mkdtempSync(join(tmpdir(), 'countersign-bench-'));
  onCleanup(() => rmSync(dataDir, { recursive: true, force: true }));

  // Start and seed every server before the first measure; they stay up for all rounds.
  const targets: Target[] = [];
  for (const key of servers) {
    if (key === 'ceiling') continue;
    process.stderr.write(`starting ${SERVERS[key]} ... `);
    targets.push(key === 'oidc-provider' ? await peerTarget(dataDir) : await countersignTarget(key, dataDir));
    process.stderr.write('seeded\n');
  }
  let ceilingOrigin: string | undefined;
  if (servers.includes('ceiling')) {
    const ceiling = await startCeiling(dataDir);
    onCleanup(() => ceiling.stop());
    ceilingOrigin = ceiling.origin;
  }
  const ceilingRequest: FixedRequest | undefined = ceilingOrigin
    ? { method: 'POST', url: `${ceilingOrigin}/token`, headers: { 'content-type': FORM }, body: 'grant_type=client_credentials' }
    : undefined;

  const plan: Array<{ scenario: ScenarioKey | 'ceiling'; target: string; load: Load }> = [];
  if (ceilingRequest && fixed)
    plan.push({ scenario: 'ceiling', target: `fixed requests (${loadgen})`, load: { kind: 'fixed', request: ceilingRequest } });
  if (ceilingRequest && chained) {
    plan.push({
      scenario: 'ceiling',
      target: 'chained load driver',
      load: { kind: 'driver', spec: { kind: 'fixed', request: ceilingRequest } },
    });
  }
  for (const scenario of scenarios) {
    for (const target of targets) {
      const l = target.loadFor(scenario);
      if (l) plan.push({ scenario, target: target.label, load: l });
    }
  }
  const perRun = load.warmupSeconds + load.seconds + 1;
  process.stderr.write(
    `${plan.length} runs a round × ${rounds} rounds, ${load.warmupSeconds} s warm-up + ${load.seconds} s each: about ${Math.ceil(
      (plan.length * rounds * perRun) / 60,
    )} min\n`,
  );

  const startedAt = Date.now();
  const results = new Map<string, Figures[]>();
  const keyOf = (scenario: string, target: string) => `${scenario}\t${target}`;
  for (let round = 1; round <= rounds; round++) {
    for (const run of plan) {
      const figures =
        run.load.kind === 'fixed'
          ? await runFixed(loadgen, run.load.request, load, dataDir)
          : await runDriver(run.load.spec, load, dataDir);
      const key = keyOf(run.scenario, run.target);
      results.set(key, [...(results.get(key) ?? []), figures]);
      process.stderr.write(`round ${round}/${rounds}  ${run.scenario.padEnd(18)} ${run.target.padEnd(36)} ${describe(figures)}\n`);
    }
  }

  const ceilingOf = (generator: 'fixed' | 'driver') => {
    const rounds_ = results.get(keyOf('ceiling', generator === 'fixed' ? `fixed requests (${loadgen})` : 'chained load driver'));
    return rounds_ ? summarize(rounds_).rps : undefined;
  };
  const rows: Row[] = [];
  for (const scenario of scenarios) {
    const peer = results.get(keyOf(scenario, SERVERS['oidc-provider']));
    const peerRps = peer ? summarize(peer).rps : undefined;
    const ceilingRps = ceilingOf(CHAINED.has(scenario) ? 'driver' : 'fixed');
    for (const target of targets) {
      const r = results.get(keyOf(scenario, target.label));
      if (!r) continue;
      rows.push({
        scenario: SCENARIOS[scenario],
        server: target.label,
        rounds: r,
        ...(peerRps !== undefined && target.key !== 'oidc-provider' ? { peerRps } : {}),
        // An authorization-code iteration is two HTTP requests; the ceiling counts one each.
        ...(ceilingRps ? { ceiling: { rps: ceilingRps, requestsPerIteration: scenario === 'code-flow' ? 2 : 1 } } : {}),
      });
    }
  }
  for (const run of plan.filter((p) => p.scenario === 'ceiling')) {
    rows.push({
      scenario: 'ceiling: bare Fastify, token-sized JSON',
      server: run.target,
      rounds: results.get(keyOf('ceiling', run.target)) ?? [],
    });
  }

  const failed = rows.filter((r) => summarize(r.rounds).failed);
  const banner = failed.length
    ? `**WARNING: ${failed.length} row(s) had failed requests or no answers (marked INVALID RUN); their figures are not valid.**`
    : '';
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const loadgenVersion = loadgen === 'wrk' ? wrkVersion() : `autocannon ${packageVersion('node_modules/autocannon')}`;
  const preliminary =
    rounds < 3 || load.seconds < 3
      ? '\n\n_A short run (fewer than 3 rounds or under 3 s a run): indicative only, not a result to quote._'
      : '';
  const section = [
    `## Latest run: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `- Machine: ${machine()}; Node ${process.version}. Load average (1 min) when the run started: ${loadBefore.toFixed(1)} on ${
      cpus().length
    } cores (other work was already running when it is near or above 1).`,
    `- Versions: Countersign ${packageVersion('packages/server')} (${gitRevision()}, started as \`${countersignCommand().label}\`), node-oidc-provider ${packageVersion(
      'node_modules/oidc-provider',
    )}, Fastify ${packageVersion('node_modules/fastify')}, undici ${packageVersion('node_modules/undici')}; fixed requests from ${loadgenVersion}${
      chained ? ', chained scenarios from bench/load/chain-driver.ts' : ''
    }.`,
    `- Command: \`${command}\``,
    `- ${load.connections} connections; ${load.warmupSeconds} s warm-up + ${load.seconds} s measured per run; ${rounds} interleaved round(s); medians (req/s min–max over the rounds).`,
    `- Countersign as deployed: NODE_ENV=production, logs at info (to /dev/null), token rate limiter on at 1,000,000 a minute; "limiter off" rows set it to 0. The measures took ${(
      (Date.now() - startedAt) / 60_000
    ).toFixed(1)} min.`,
    '',
    renderTable(rows),
    banner ? `\n${banner}` : '',
  ].join('\n');
  console.log(`\n${banner ? `${banner}\n\n` : ''}${section}${preliminary}\n`);
  if (options.docs) process.stderr.write(`written into ${writeDocsSection(section + preliminary)}\n`);
  if (banner) {
    console.error(`\n${banner}`);
    process.exitCode = 1;
  }
}

try {
  await main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
