import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { freePort } from './support/listening-app';
import { redisReachable, TEST_REDIS_URL } from './support/redis-reachable';
import { postgresReachable, TEST_DATABASE_URL } from './support/test-storage';

/*
 * Countersign as it scales out: real processes (main.ts, as `npm start` runs it), sharing one
 * PostgreSQL database (made for this file, dropped at the end) and Redis. Two instances on two ports,
 * then one instance of two workers (COUNTERSIGN_WORKERS).
 */

const serverDir = new URL('..', import.meta.url).pathname;
const reachable = (await postgresReachable()) && (await redisReachable());
const REDIRECT_URI = 'https://app.example/callback';

interface Instance {
  readonly child: ChildProcess;
  readonly origin: string;
  output: string;
}

/** Runs main.ts until `banners` workers have printed that they listen (or 60 s pass). */
function start(env: Record<string, string>, port: number, banners = 1): Promise<Instance> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: serverDir,
    env: { ...process.env, ...env, PORT: String(port) },
  });
  const instance: Instance = { child, origin: `http://127.0.0.1:${port}`, output: '' };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not listening in 60 s:\n${instance.output}`)), 60_000);
    child.stdout.on('data', (chunk) => {
      instance.output += chunk;
      if ((instance.output.match(/Countersign is listening/g) ?? []).length >= banners) {
        clearTimeout(timer);
        resolve(instance);
      }
    });
    child.stderr.on('data', (chunk) => {
      instance.output += chunk;
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${instance.output}`));
    });
  });
}

function stop(instance: Instance | undefined): Promise<void> {
  if (!instance || instance.child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    instance.child.removeAllListeners('exit');
    instance.child.once('exit', () => resolve());
    instance.child.kill('SIGTERM');
  });
}

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

async function form(url: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

/** A browser's cookies, enough for the sign-in and consent pages. */
class Browser {
  readonly #cookies = new Map<string, string>();
  async go(url: string, fields?: Record<string, string>): Promise<Response> {
    const headers: Record<string, string> = { cookie: [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
    const res = fields
      ? await form(url, fields, headers)
      : await fetch(url, {
          headers,
          redirect: 'manual',
        });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      this.#cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return res;
  }
}

function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[m[1] as string] = (m[2] as string)
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&');
  }
  return fields;
}

describe('several instances on one PostgreSQL and one Redis', { skip: !reachable && 'PostgreSQL or Redis is unreachable' }, () => {
  const database = `countersign_multi_${randomBytes(5).toString('hex')}`;
  const databaseUrl = Object.assign(new URL(TEST_DATABASE_URL), { pathname: `/${database}` }).href;
  const adminToken = randomBytes(32).toString('base64url');
  const metricsToken = randomBytes(32).toString('base64url');
  let env: Record<string, string>;
  let a: Instance | undefined;
  let b: Instance | undefined;
  let post: (origin: string, path: string, body: unknown) => Promise<Record<string, string>>;

  before(async () => {
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`create database ${database}`);
    await admin.end();
    const [portA, portB] = [await freePort(), await freePort()];
    env = {
      HOST: '127.0.0.1',
      // One issuer for both, as behind one load balancer.
      COUNTERSIGN_ISSUER: `http://127.0.0.1:${portA}`,
      COUNTERSIGN_ENV: 'test',
      COUNTERSIGN_DEMO: '0',
      COUNTERSIGN_LOG_LEVEL: 'warn',
      COUNTERSIGN_ADMIN_TOKEN: adminToken,
      COUNTERSIGN_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
      COUNTERSIGN_METRICS_TOKEN: metricsToken,
      DATABASE_URL: databaseUrl,
      REDIS_URL: TEST_REDIS_URL,
      COUNTERSIGN_TOKEN_RATE_LIMIT: '5',
      // Each test speaks from addresses of its own (X-Forwarded-For from 127.0.0.1 is believed), so
      // that the shared per-address counts of one test never reach another's.
      COUNTERSIGN_TRUSTED_PROXIES: '127.0.0.1',
      // Long enough that only the change channel can explain a fresh read within a second.
      COUNTERSIGN_CLIENT_CACHE_TTL: '300',
    };
    // One after the other: the first creates the schema and the signing keys.
    a = await start(env, portA);
    b = await start(env, portB);
    post = async (origin, path, body) => {
      const res = await fetch(`${origin}/provisioning/v1${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      assert.equal(res.status, 201, await res.clone().text());
      return (await res.json()) as Record<string, string>;
    };
  });

  after(async () => {
    await Promise.all([stop(a), stop(b)]);
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`drop database if exists ${database} with (force)`);
    await admin.end();
  });

  /** A fresh client address, so that rate-limit counts on the shared Redis are this caller's own. */
  const address = () => `198.18.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;

  /** A store, a webapp and a staff member made at A, and the code flow's consent given at A: the code. */
  async function consentAt(origin: string) {
    const store = await post(origin, '/stores', { slug: `s-${randomBytes(4).toString('hex')}`, name: 'Shop', currency: 'EUR' });
    const webapp = await post(origin, `/stores/${store.id}/credentials`, {
      mode: 'test',
      kind: 'webapp',
      name: 'back office',
      scopes: ['stores.view'],
      redirect_uris: [REDIRECT_URI],
    });
    const password = randomBytes(18).toString('base64url');
    const email = `staff-${randomBytes(4).toString('hex')}@example.com`;
    const user = await post(origin, '/users', { email, password, name: 'Staff' });
    await post(origin, `/stores/${store.id}/memberships`, { user_id: user.id, role: 'admin' });

    const verifier = randomBytes(32).toString('base64url');
    const query = new URLSearchParams({
      client_id: webapp.client_id!,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: 'stores.view',
      state: 'xyz',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    });
    const browser = new Browser();
    const signIn = await browser.go(`${origin}/oauth/authorize?${query}`);
    assert.equal(signIn.status, 200);
    const signedIn = await browser.go(`${origin}/oauth/signin`, { ...hiddenFields(await signIn.text()), email, password });
    assert.equal(signedIn.status, 303);
    const consent = await browser.go(new URL(signedIn.headers.get('location')!, origin).href);
    assert.equal(consent.status, 200);
    const approved = await browser.go(`${origin}/oauth/consent`, { ...hiddenFields(await consent.text()), decision: 'approve' });
    assert.equal(approved.status, 303);
    const code = new URL(approved.headers.get('location')!).searchParams.get('code');
    assert.ok(code, 'no code in the redirect');
    return { webapp, code, verifier };
  }

  test('a code issued by one instance is redeemed at the other', async () => {
    const { webapp, code, verifier } = await consentAt(a!.origin);

    const redeemed = await form(
      `${b!.origin}/oauth/token`,
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier },
      { authorization: basic(webapp.client_id!, webapp.client_secret!), 'x-forwarded-for': address() },
    );
    assert.equal(redeemed.status, 200, await redeemed.clone().text());
    const tokens = (await redeemed.json()) as { access_token: string; refresh_token: string };
    // The refresh token works at the first instance too, and the code is spent everywhere.
    const refreshed = await form(
      `${a!.origin}/oauth/token`,
      { grant_type: 'refresh_token', refresh_token: tokens.refresh_token },
      { authorization: basic(webapp.client_id!, webapp.client_secret!), 'x-forwarded-for': address() },
    );
    assert.equal(refreshed.status, 200);
    const again = await form(
      `${a!.origin}/oauth/token`,
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier },
      { authorization: basic(webapp.client_id!, webapp.client_secret!), 'x-forwarded-for': address() },
    );
    assert.equal(again.status, 400);
    assert.equal(((await again.json()) as { error: string }).error, 'invalid_grant');
  });

  test('a refresh-token chain goes on at either instance, and a token used at one and replayed at the other revokes the grant', async () => {
    const { webapp, code, verifier } = await consentAt(a!.origin);
    const token = async (origin: string, fields: Record<string, string>) => {
      const res = await form(`${origin}/oauth/token`, fields, {
        authorization: basic(webapp.client_id!, webapp.client_secret!),
        'x-forwarded-for': address(),
      });
      return { status: res.status, body: (await res.json()) as { refresh_token?: string; error?: string } };
    };
    const refresh = (origin: string, refreshToken: string) => token(origin, { grant_type: 'refresh_token', refresh_token: refreshToken });
    const issued = await token(a!.origin, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier });
    assert.equal(issued.status, 200);
    // Two rotations at A: A keeps the head of the chain in memory (ADR 0034) ...
    const second = await refresh(a!.origin, issued.body.refresh_token!);
    const third = await refresh(a!.origin, second.body.refresh_token!);
    assert.equal(third.status, 200);
    // ... which B rotates without A hearing of it.
    const fourth = await refresh(b!.origin, third.body.refresh_token!);
    assert.equal(fourth.status, 200);
    // A's copy still shows the third token unused: storage refuses the rotation, and the replay revokes the grant.
    const replay = await refresh(a!.origin, third.body.refresh_token!);
    assert.deepEqual([replay.status, replay.body.error], [400, 'invalid_grant']);
    const afterReplay = await refresh(b!.origin, fourth.body.refresh_token!);
    assert.deepEqual([afterReplay.status, afterReplay.body.error], [400, 'invalid_grant'], 'RFC 9700 §4.14.2: the grant is revoked');
  });

  test('the token endpoint’s rate limit is one budget across instances', async () => {
    const from = address();
    const statuses: number[] = [];
    // A limit of 5 a minute: 3 at one instance and 2 at the other use it up, whichever answers next refuses.
    for (const origin of [a!.origin, b!.origin, a!.origin, b!.origin, a!.origin, b!.origin, a!.origin]) {
      const res = await form(`${origin}/oauth/token`, { grant_type: 'client_credentials' }, { 'x-forwarded-for': from });
      statuses.push(res.status);
    }
    // Unauthenticated requests count too (the limit runs before anything is read): 401 until the budget is spent.
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429]);
  });

  test('a credential deleted at one instance is refused by the other within a second, though its cache would keep it for 5 minutes', async () => {
    const store = await post(a!.origin, '/stores', { slug: `s-${randomBytes(4).toString('hex')}`, name: 'Shop', currency: 'EUR' });
    const credential = await post(a!.origin, `/stores/${store.id}/credentials`, {
      mode: 'test',
      kind: 'integration',
      name: 'gone soon',
      scopes: ['stores.view'],
    });
    const authorization = basic(credential.client_id!, credential.client_secret!);
    const token = () =>
      form(`${b!.origin}/oauth/token`, { grant_type: 'client_credentials' }, { authorization, 'x-forwarded-for': address() });
    // B reads the credential now, and caches it; its token opens B's reference API.
    const issued = await token();
    assert.equal(issued.status, 200);
    const { access_token } = (await issued.json()) as { access_token: string };
    const read = () => fetch(`${b!.origin}/admin/api/stores/${store.id}`, { headers: { authorization: `Bearer ${access_token}` } });
    assert.equal((await read()).status, 200);
    const deleted = await fetch(`${a!.origin}/provisioning/v1/stores/${store.id}/credentials/${credential.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${adminToken}` },
    });
    assert.equal(deleted.status, 204);
    // SPEC: every instance sees a revocation within a second. Measured from the deletion's answer.
    const deadline = Date.now() + 1000;
    let refused = false;
    while (!refused && Date.now() < deadline) {
      refused = (await token()).status === 401 && (await read()).status === 401;
      if (!refused) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(refused, 'a second later the other instance still issued tokens to the deleted credential, or accepted its token');
  });

  test('two workers of one instance (COUNTERSIGN_WORKERS=2) share the port, the budget and the metrics', async () => {
    const port = await freePort();
    const cluster = await start({ ...env, COUNTERSIGN_WORKERS: '2' }, port, 2);
    try {
      const pid = cluster.child.pid!;
      const workers = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
        .trim()
        .split(/\s+/);
      assert.equal(workers.length, 2, `the primary has ${workers.length} children`);
      // New connections are spread over the workers by the primary; the budget is shared all the same.
      const from = address();
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) {
        const res = await fetch(`${cluster.origin}/oauth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': from, connection: 'close' },
          body: 'grant_type=client_credentials',
        });
        statuses.push(res.status);
      }
      assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429, 429]);
      // Whichever worker is scraped answers for both: every one of the eight requests is counted.
      const metrics = await fetch(`${cluster.origin}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
      assert.equal(metrics.status, 200);
      const text = await metrics.text();
      const count = (status: string) =>
        Number(
          new RegExp(
            `^countersign_http_requests_total\\{method="POST",route="/oauth/token",grant_type="(none|client_credentials)",status_code="${status}"\\} (\\d+)$`,
            'gm',
          )
            .exec(text)
            ?.at(2) ?? 0,
        );
      assert.equal(count('401'), 5);
      assert.equal(count('429'), 3);
    } finally {
      await stop(cluster);
    }
  });
});
