import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseFlags } from './lib/cli';
import { basic } from './lib/http-client';
import { createScratchDatabase } from './lib/postgres';
import { cleanUp, cleanUpOnSignals, onCleanup, repoRoot } from './lib/processes';
import { positiveInt } from './lib/stats';
import type { Figures, LoadOptions } from './load/load-spec';
import { detectLoadGenerator, runDriver, runFixed } from './load/run-load';
import { seedCountersign } from './seed/countersign-world';
import { startCountersign } from './servers/countersign';

const SCENARIOS = ['client-credentials', 'sales-channel', 'refresh', 'code-flow'] as const;
type Scenario = (typeof SCENARIOS)[number];

const USAGE = `npm run bench:profile [-- options]

Where Countersign's time goes on one scenario: starts it as deployed (NODE_ENV=production, logs at
info to /dev/null, the token rate limiter on at 1,000,000 a minute) under \`node --cpu-prof\` on
127.0.0.1, loads it (wrk or autocannon for client_credentials, the chained driver for refresh and the
code flow), stops it and prints the main thread's top functions by self and by inclusive time.

Options:
  --scenario NAME   ${SCENARIOS.join(', ')} (default client-credentials)
  --database NAME   sqlite or postgres (default sqlite; postgres needs 127.0.0.1:5432, trust auth)
  --limiter-off     COUNTERSIGN_TOKEN_RATE_LIMIT=0
  --seconds N       measured seconds (default 10; a 3 s warm-up comes first)
  --connections N   concurrent connections (default 50)
  --top N           entries per list (default 20)
  --out FILE        keep the .cpuprofile there (open it in Chrome's DevTools or speedscope)
  -h, --help        this text`;

const values = parseFlags(
  {
    scenario: { type: 'string' },
    database: { type: 'string' },
    'limiter-off': { type: 'boolean' },
    seconds: { type: 'string' },
    connections: { type: 'string' },
    top: { type: 'string' },
    out: { type: 'string' },
  },
  USAGE,
);
const scenario = (values.scenario ?? 'client-credentials') as Scenario;
if (!SCENARIOS.includes(scenario)) {
  console.error(`--scenario must be one of ${SCENARIOS.join(', ')}`);
  process.exit(2);
}
const database = values.database ?? 'sqlite';
if (database !== 'sqlite' && database !== 'postgres') {
  console.error('--database must be sqlite or postgres');
  process.exit(2);
}
const load: LoadOptions = {
  seconds: positiveInt('seconds', values.seconds, 10),
  warmupSeconds: 3,
  connections: positiveInt('connections', values.connections, 50),
};
const top = positiveInt('top', values.top, 20);

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** "name file:line" with paths relative to the repository or node_modules. */
function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.startsWith('file://') ? relative(repoRoot, new URL(url).pathname).replace(/^(\.\.\/)*node_modules\//, '') : url;
  return `${functionName || '(anonymous)'}${file ? ` ${file.replace(/.*node_modules\//, '')}:${lineNumber + 1}` : ''}`;
}

/** Self and inclusive time per function, as shares of the profile's whole time. */
function summarizeProfile(profile: Profile): { self: [string, number][]; inclusive: [string, number][]; totalMs: number } {
  const time = new Map<number, number>();
  for (const [i, id] of profile.samples.entries()) time.set(id, (time.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const total = [...time.values()].reduce((a, b) => a + b, 0);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const node of profile.nodes) {
    const t = time.get(node.id) ?? 0;
    if (t === 0) continue;
    self.set(frameName(node), (self.get(frameName(node)) ?? 0) + t);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const name = frameName(byId.get(id) as ProfileNode);
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + t);
    }
  }
  const ranked = (m: Map<string, number>) =>
    [...m]
      .filter(([name]) => !name.startsWith('(root)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, t]): [string, number] => [name, t / total]);
  return { self: ranked(self), inclusive: ranked(inclusive), totalMs: total / 1000 };
}

async function main(): Promise<void> {
  cleanUpOnSignals();
  const dataDir = mkdtempSync(join(tmpdir(), 'countersign-profile-'));
  onCleanup(() => rmSync(dataDir, { recursive: true, force: true }));
  const profileDir = join(dataDir, 'profile');
  const scratch = database === 'postgres' ? await createScratchDatabase('countersign_profile') : undefined;
  const server = await startCountersign({
    name: `Countersign, ${database}`,
    dataDir,
    ...(scratch ? { databaseUrl: scratch.url } : {}),
    tokenRateLimit: values['limiter-off'] ? 0 : 1_000_000,
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`],
  });
  onCleanup(() => server.stop());
  const world = await seedCountersign(server.origin, server.adminToken);
  const loadBefore = loadavg()[0] ?? Number.NaN;
  let figures: Figures;
  if (scenario === 'refresh' || scenario === 'code-flow') {
    figures = await runDriver({ kind: scenario, target: world.codeFlow }, load, dataDir);
  } else {
    const body =
      scenario === 'client-credentials'
        ? 'grant_type=client_credentials'
        : new URLSearchParams({
            grant_type: 'client_credentials',
            client_id: world.salesChannelId,
            scope: 'market:code:europe',
          }).toString();
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (scenario === 'client-credentials') headers.authorization = basic(world.integration.clientId, world.integration.secret);
    figures = await runFixed(detectLoadGenerator(), { method: 'POST', url: `${server.origin}/oauth/token`, headers, body }, load, dataDir);
  }
  // SIGTERM: the server stops as in production, and node writes the profile on its way out.
  await server.stop();
  const files = readdirSync(profileDir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(profileDir, f));
  // The main thread's profile is the largest (tsx's loader thread writes a small one too).
  const file = files.sort((a, b) => statSync(b).size - statSync(a).size)[0];
  if (!file) throw new Error('no CPU profile was written');
  if (values.out) copyFileSync(file, values.out);
  const { self, inclusive, totalMs } = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as Profile);
  const pct = (share: number) => `${(share * 100).toFixed(1).padStart(5)}%`;
  console.log(
    `\n${scenario} on Countersign (${database}, limiter ${values['limiter-off'] ? 'off' : 'on at 1,000,000'}), ${load.connections} connections, ${load.warmupSeconds} s warm-up + ${load.seconds} s; load average before: ${loadBefore.toFixed(1)}`,
  );
  console.log(
    `${figures.rps.toFixed(0)} req/s, p50 ${figures.p50.toFixed(2)} ms, p99 ${figures.p99.toFixed(2)} ms, ${figures.non2xx} non-2xx, ${figures.errors} errors (with the profiler attached)`,
  );
  console.log(`\nmain thread, ${(totalMs / 1000).toFixed(1)} s profiled (start-up and warm-up included); top ${top} by self time:`);
  for (const [name, share] of self) console.log(`${pct(share)}  ${name}`);
  console.log(`\ntop ${top} by inclusive time:`);
  for (const [name, share] of inclusive) console.log(`${pct(share)}  ${name}`);
  if (values.out) console.log(`\nprofile kept in ${values.out}`);
}

try {
  await main();
} finally {
  await cleanUp();
}
