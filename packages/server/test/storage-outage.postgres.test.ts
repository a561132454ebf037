import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { openStorage } from '../src/adapters/sql/open-storage';
import { cryptoRandom } from '../src/adapters/system/crypto-random';
import { appOptions } from '../src/compose/app-options';
import { composeDependencies } from '../src/compose/compose-dependencies';
import { buildApp } from '../src/http/build-app';
import { type FaultProxy, startFaultProxy } from './support/fault-proxy';
import { shopWorld } from './support/shop-world';
import type { TestApp } from './support/test-app';
import { TestClock } from './support/test-clock';
import { TEST_ADMIN_TOKEN, testConfig } from './support/test-config';
import { postgresReachable, TEST_DATABASE_URL } from './support/test-storage';

const reachable = await postgresReachable();
const STATEMENT_TIMEOUT_MS = 1000;

/**
 * PostgreSQL behind a fault proxy that cuts, stalls and restores the connection (the shared server
 * itself is never touched): every request that needs the database is answered 503
 * `temporarily_unavailable` in its own wire format, never 500, /readyz says not ready, and service
 * returns by itself once the database answers again.
 */
describe('storage outage on PostgreSQL (fault proxy)', { skip: !reachable && 'PostgreSQL unreachable' }, () => {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  let proxy: FaultProxy;
  let t: TestApp;
  let world: Awaited<ReturnType<typeof shopWorld>>;

  before(async () => {
    const target = new URL(TEST_DATABASE_URL);
    proxy = await startFaultProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const storage = await openStorage({
      databaseUrl: proxy.via(TEST_DATABASE_URL),
      pgSchema: schema,
      statementTimeoutMs: STATEMENT_TIMEOUT_MS,
    });
    const clock = new TestClock();
    // No client cache: every token request reads the database.
    const deps = await composeDependencies(testConfig({ COUNTERSIGN_CLIENT_CACHE_TTL: '0' }), storage, clock, cryptoRandom);
    const app = await buildApp(appOptions(deps), { logger: false });
    await app.ready();
    t = { app, deps, clock, close: async () => {} };
    world = await shopWorld(t);
  });

  after(async () => {
    proxy.restore();
    await t.app.close();
    await t.deps.close();
    await t.deps.storage.close();
    await proxy.close();
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
  });

  /** One request of each wire: a token (OAuth JSON) and a provisioning read (JSON:API). */
  const tokenRequest = () =>
    world.token({ grant_type: 'client_credentials', client_id: world.salesChannel.clientId, scope: 'market:code:europe' });
  const provisioningRead = () =>
    t.app.inject({
      method: 'GET',
      url: `/provisioning/v1/stores/${world.store.id}`,
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    });
  const readyz = () => t.app.inject({ method: 'GET', url: '/readyz' });

  type Answer = Awaited<ReturnType<typeof tokenRequest>>;
  const assertUnavailable = (res: Answer, wire: 'oauth' | 'jsonapi') => {
    assert.equal(res.statusCode, 503, res.body);
    assert.equal(res.headers['retry-after'], '5');
    const body = res.json();
    if (wire === 'oauth') {
      assert.equal(body.error, 'temporarily_unavailable');
      assert.equal(body.access_token, undefined);
    }
    assert.equal(body.errors[0].status, wire === 'oauth' ? 503 : '503');
    assert.equal(body.errors[0].code, 'SERVICE_UNAVAILABLE');
    assert.equal(body.errors[0].title, 'temporarily_unavailable');
  };

  /** Polls until the database answers through the app again (service returns by itself, no restart). */
  const untilServed = async () => {
    for (let attempt = 0; attempt < 100; attempt++) {
      if ((await tokenRequest()).statusCode === 200) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.fail('the service did not come back after the database did');
  };

  test('cut in the middle of a load run: every answer is 200 or 503 temporarily_unavailable, never 500; /readyz not ready; service returns by itself', async () => {
    assert.equal((await readyz()).statusCode, 200);
    const answers: { res: Answer; wire: 'oauth' | 'jsonapi' }[] = [];
    let running = true;
    const worker = async (i: number) => {
      while (running) {
        const wire = i % 2 === 0 ? 'oauth' : 'jsonapi';
        answers.push({ res: await (wire === 'oauth' ? tokenRequest() : provisioningRead()), wire });
      }
    };
    const load = Promise.all([0, 1, 2, 3, 4, 5].map(worker));
    const served = () => answers.filter((a) => a.res.statusCode === 200).length;
    while (served() < 30) await new Promise((resolve) => setTimeout(resolve, 10));

    proxy.cut();
    const beforeCut = answers.length;
    const failed = () => answers.slice(beforeCut).filter((a) => a.res.statusCode === 503).length;
    while (failed() < 30) await new Promise((resolve) => setTimeout(resolve, 10));
    const ready = await readyz();
    assert.equal(ready.statusCode, 503);
    assert.equal(ready.json().status, 'unavailable');

    proxy.restore();
    const afterRestore = answers.length;
    while (answers.slice(afterRestore).filter((a) => a.res.statusCode === 200).length < 30) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    running = false;
    await load;

    for (const { res, wire } of answers) {
      if (res.statusCode === 200) continue;
      assertUnavailable(res, wire);
    }
    assert.equal((await readyz()).statusCode, 200);
  });

  test('a stalled network: the request ends with 503 once the statement timeout passes, instead of hanging', {
    timeout: 30_000,
  }, async () => {
    await untilServed();
    proxy.stall();
    try {
      assertUnavailable(await tokenRequest(), 'oauth');
      assertUnavailable(await provisioningRead(), 'jsonapi');
      assert.equal((await readyz()).statusCode, 503);
      // The authorization endpoint cannot check the client: a 503 page, not a redirect, not a 500.
      const page = await t.app.inject({
        method: 'GET',
        url: `/oauth/authorize?response_type=code&client_id=${world.salesChannel.clientId}`,
      });
      assert.equal(page.statusCode, 503);
      assert.match(String(page.headers['content-type']), /^text\/html/);
      assert.match(page.body, /Temporarily unavailable/);
      // The app exchange answers in its envelope.
      const exchange = await t.app.inject({
        method: 'GET',
        url: '/oauth2/some-app/exchange/some-code',
        headers: { 'x-client-secret': 'x' },
      });
      assert.equal(exchange.statusCode, 503, exchange.body);
      assert.deepEqual(exchange.json(), {
        success: false,
        message: 'The service is temporarily unavailable; try again in a moment.',
        code: 'temporarily_unavailable',
        data: null,
      });
    } finally {
      proxy.restore();
    }
    await untilServed();
  });

  test('a statement stuck behind a lock longer than COUNTERSIGN_STATEMENT_TIMEOUT is ended by PostgreSQL: 503, and the lock holder is unaffected', {
    timeout: 30_000,
  }, async () => {
    await untilServed();
    const holder = new pg.Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${schema}` });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('lock table stores in access exclusive mode');
      assertUnavailable(await provisioningRead(), 'jsonapi');
      await holder.query('rollback');
    } finally {
      await holder.end();
    }
    assert.equal((await provisioningRead()).statusCode, 200);
  });
});
