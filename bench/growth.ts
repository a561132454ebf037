import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { parseFlags } from './lib/cli';
import { machine } from './lib/environment';
import { basic } from './lib/http-client';
import { createScratchDatabase } from './lib/postgres';
import { cleanUp, cleanUpOnSignals, onCleanup } from './lib/processes';
import { summarize } from './lib/report';
import { formatMs, formatNumber, positiveInt } from './lib/stats';
import type { Figures, LoadOptions } from './load/load-spec';
import { detectLoadGenerator, runDriver, runFixed } from './load/run-load';
import { seedCountersign } from './seed/countersign-world';
import { startCountersign } from './servers/countersign';

const USAGE = `npm run bench:growth [-- options]

Does Countersign's throughput hold as its PostgreSQL database grows? Starts Countersign on a database
of its own (it migrates it), seeds what the load uses through the provisioning API, bulk-inserts filler
credentials and refresh tokens (with their grants) shaped as the server writes them, and measures
client_credentials and refresh at the small size, then again after growing to the large size. Reports
whether each stays within 10%. The database is dropped at the end.

As deployed: NODE_ENV=production, logs at info to /dev/null, the token rate limiter on with
COUNTERSIGN_TOKEN_RATE_LIMIT=1000000 (it counts every request and refuses none; its cost per request
does not depend on the limit or on the tables).

Options:
  --small N        credentials and refresh tokens at the first size (default 1000)
  --large N        at the second size (default 1000000; a smaller one is a quick check only)
  --seconds N      measured seconds per run (default 5)
  --warmup N       warm-up seconds per run (default 1)
  --rounds N       runs of each scenario at each size; medians (default 3)
  --connections N  concurrent connections (default 32)
  -h, --help       this text`;

const values = parseFlags(
  {
    small: { type: 'string' },
    large: { type: 'string' },
    seconds: { type: 'string' },
    warmup: { type: 'string' },
    rounds: { type: 'string' },
    connections: { type: 'string' },
  },
  USAGE,
);

/** Filler credentials per filler store (a store with a thousand API clients is already a big one). */
const PER_STORE = 1000;

/**
 * Bulk-inserts filler rows numbered `from`..`to` in one transaction, computed inside PostgreSQL
 * (generate_series), shaped as the provisioning API and the grant repository write them: 20-character
 * ids, 32-character client ids, `hmac-sha256:` + 43 characters for hashes, ISO-8601 UTC text for
 * times, JSON text for lists. Every third credential is a webapp; each filler grant belongs to one,
 * for a user, with one store and one refresh token (a quarter of them already used, as rotation
 * leaves them). Nothing here is a secret anyone could use: the hashes are of the row numbers.
 */
async function fill(db: pg.Client, from: number, to: number): Promise<void> {
  if (to < from) return;
  const now = new Date().toISOString();
  const in14Days = new Date(Date.now() + 14 * 86400_000).toISOString();
  const in90Days = new Date(Date.now() + 90 * 86400_000).toISOString();
  const id = (prefix: string, n: string) => `'${prefix}' || lpad((${n})::text, 18, '0')`;
  const hash = (n: string) => `'hmac-sha256:' || rtrim(translate(encode(sha256((${n})::text::bytea), 'base64'), '+/', '-_'), '=')`;
  const clientId = (n: string) => `md5('growth-client-' || (${n}))`;
  const storeOf = (n: string) => `((${n}) - 1) / ${PER_STORE} + 1`;
  // The webapp that filler grant n belongs to: credential 3k, k cycling over the webapps that exist.
  const webappOf = (n: string) => `3 * (((${n}) - 1) % greatest(${Math.floor(to / 3)}, 1) + 1)`;
  await db.query('begin');
  try {
    await db.query(
      `insert into stores (id, slug, name, currency, created_at, updated_at)
       select ${id('gs', 'g')}, 'growth-' || g, 'Growth ' || g, 'EUR', $1, $1
       from generate_series($2::int, $3::int) g on conflict (id) do nothing`,
      [now, Math.floor((from - 1) / PER_STORE) + 1, Math.floor((to - 1) / PER_STORE) + 1],
    );
    await db.query(
      `insert into credentials (id, store_id, mode, kind, client_id, name, scopes, redirect_uris, secret_hash,
         previous_secret_hash, previous_secret_expires_at, expires_in, jwks, password_grant, created_at, updated_at)
       select ${id('gc', 'g')}, ${id('gs', storeOf('g'))}, case when g % 2 = 0 then 'test' else 'live' end, k.kind,
         ${clientId('g')}, 'filler ' || g, '["stores.view"]',
         case when k.kind = 'webapp' then '["https://filler.invalid/callback"]' else '[]' end,
         case when k.kind = 'sales_channel' then null else ${hash("'secret-' || g")} end,
         null, null, null, null, 1, $1, $1
       from generate_series($2::int, $3::int) g
       cross join lateral (select (array['webapp', 'sales_channel', 'integration'])[g % 3 + 1] as kind) k`,
      [now, from, to],
    );
    await db.query(
      `insert into grants (id, client_id, client_record_id, client_kind, mode, owner_type, owner_id, scope, created_at,
         expires_at, last_used_at, revoked_at, revoked_reason, api_key_kid)
       select ${id('gg', 'g')}, ${clientId(webappOf('g'))}, ${id('gc', webappOf('g'))}, 'webapp', 'test', 'user', ${id('gu', 'g')},
         'stores.view', $1, $2, null, null, null, null
       from generate_series($3::int, $4::int) g`,
      [now, in90Days, from, to],
    );
    await db.query(
      `insert into grant_stores (grant_id, store_id)
       select ${id('gg', 'g')}, ${id('gs', storeOf(webappOf('g')))} from generate_series($1::int, $2::int) g`,
      [from, to],
    );
    await db.query(
      `insert into refresh_tokens (id, grant_id, client_id, token_hash, parent_id, issued_at, expires_at, used_at,
         successor_cipher, grace_until)
       select ${id('gr', 'g')}, ${id('gg', 'g')}, ${clientId(webappOf('g'))}, ${hash("'refresh-' || g")}, null, $1, $2,
         case when g % 4 = 0 then $1 end, null, null
       from generate_series($3::int, $4::int) g`,
      [now, in14Days, from, to],
    );
    await db.query('commit');
  } catch (error) {
    await db.query('rollback');
    throw error;
  }
  // As autovacuum would soon: the planner should know how big the tables are.
  await db.query('analyze');
}

async function counts(db: pg.Client): Promise<{ credentials: number; refreshTokens: number }> {
  const r = await db.query<{ c: string; r: string }>(
    'select (select count(*) from credentials) as c, (select count(*) from refresh_tokens) as r',
  );
  return { credentials: Number(r.rows[0]?.c), refreshTokens: Number(r.rows[0]?.r) };
}

async function main(): Promise<void> {
  const small = positiveInt('small', values.small, 1000);
  const large = positiveInt('large', values.large, 1_000_000);
  if (large <= small) throw new Error('--large must be larger than --small');
  const rounds = positiveInt('rounds', values.rounds, 3);
  const load: LoadOptions = {
    seconds: positiveInt('seconds', values.seconds, 5),
    warmupSeconds: positiveInt('warmup', values.warmup, 1, 0),
    connections: positiveInt('connections', values.connections, 32),
  };
  const loadgen = detectLoadGenerator();
  cleanUpOnSignals();
  const dataDir = mkdtempSync(join(tmpdir(), 'countersign-growth-'));
  onCleanup(() => rmSync(dataDir, { recursive: true, force: true }));

  const database = await createScratchDatabase('countersign_growth');
  const server = await startCountersign({ name: 'Countersign, PostgreSQL', dataDir, databaseUrl: database.url, tokenRateLimit: 1_000_000 });
  onCleanup(() => server.stop());
  const world = await seedCountersign(server.origin, server.adminToken);
  const db = new pg.Client({ connectionString: database.url });
  await db.connect();
  onCleanup(() => db.end());

  const cc = {
    method: 'POST' as const,
    url: `${server.origin}/oauth/token`,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: basic(world.integration.clientId, world.integration.secret),
    },
    body: 'grant_type=client_credentials',
  };
  const measure = async (label: string) => {
    const figures: Record<'client_credentials' | 'refresh_token', Figures[]> = { client_credentials: [], refresh_token: [] };
    for (let round = 1; round <= rounds; round++) {
      figures.client_credentials.push(await runFixed(loadgen, cc, load, dataDir));
      figures.refresh_token.push(await runDriver({ kind: 'refresh', target: world.codeFlow }, load, dataDir));
      const last = (k: keyof typeof figures) => formatNumber(figures[k].at(-1)?.rps ?? Number.NaN);
      process.stderr.write(
        `${label}, round ${round}/${rounds}: client_credentials ${last('client_credentials')} req/s, refresh ${last('refresh_token')} req/s\n`,
      );
    }
    return figures;
  };

  // A fresh server is cold (JIT, caches, connection pool): one pass of each scenario that counts for
  // nothing, so that the small size is not measured colder than the large one.
  process.stderr.write('warming the server up (not counted) ...\n');
  await runFixed(loadgen, cc, load, dataDir);
  await runDriver({ kind: 'refresh', target: world.codeFlow }, load, dataDir);

  const sizes: Array<{
    size: number;
    counts: Awaited<ReturnType<typeof counts>>;
    fillSeconds: number;
    figures: Awaited<ReturnType<typeof measure>>;
  }> = [];
  let filled = 0;
  for (const size of [small, large]) {
    process.stderr.write(`filling to ${size.toLocaleString('en')} credentials and refresh tokens ... `);
    const started = performance.now();
    await fill(db, filled + 1, size);
    filled = size;
    const fillSeconds = (performance.now() - started) / 1000;
    const c = await counts(db);
    process.stderr.write(
      `${fillSeconds.toFixed(0)} s (${c.credentials.toLocaleString('en')} credentials, ${c.refreshTokens.toLocaleString('en')} refresh tokens)\n`,
    );
    sizes.push({ size, counts: c, fillSeconds, figures: await measure(`${size.toLocaleString('en')}`) });
  }

  const [a, b] = sizes as [(typeof sizes)[number], (typeof sizes)[number]];
  const lines = [
    `Countersign on PostgreSQL as its tables grow; ${machine()}; Node ${process.version}; ${load.connections} connections, ${load.warmupSeconds} s warm-up + ${load.seconds} s per run, ${rounds} rounds, medians; limiter on at 1,000,000 a minute.`,
    `Command: npm run bench:growth${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    '',
    `| scenario | req/s at ${a.counts.credentials.toLocaleString('en')} credentials / ${a.counts.refreshTokens.toLocaleString('en')} refresh tokens | p99 ms | req/s at ${b.counts.credentials.toLocaleString('en')} / ${b.counts.refreshTokens.toLocaleString('en')} | p99 ms | change | within 10% |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  let failed = false;
  let outside = false;
  for (const scenario of ['client_credentials', 'refresh_token'] as const) {
    const x = summarize(a.figures[scenario]);
    const y = summarize(b.figures[scenario]);
    failed ||= x.failed || y.failed;
    const change = (y.rps - x.rps) / x.rps;
    const within = Math.abs(change) <= 0.1;
    outside ||= !within;
    lines.push(
      `| ${scenario}${x.failed || y.failed ? ' — **INVALID RUN: failed requests**' : ''} | ${formatNumber(x.rps)} | ${formatMs(x.p99)} | ${formatNumber(y.rps)} | ${formatMs(
        y.p99,
      )} | ${change >= 0 ? '+' : ''}${(100 * change).toFixed(1)}% | ${within ? 'yes' : '**no**'} |`,
    );
  }
  lines.push('', `Filling took ${a.fillSeconds.toFixed(0)} s and ${b.fillSeconds.toFixed(0)} s.`);
  if (large < 1_000_000) lines.push(`A quick check: --large ${large} is below the 1,000,000 that issue 11 asks for.`);
  console.log(`\n${lines.join('\n')}\n`);
  if (failed) {
    console.error('WARNING: some requests failed; the figures above are not valid.');
    process.exitCode = 1;
  }
  // Outside 10% is a finding to report, not a failure of the harness: the exit code stays 0.
  if (outside) console.log('At least one scenario moved by more than 10% between the two sizes.');
}

try {
  await main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
