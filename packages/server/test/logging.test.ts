import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cryptoRandom } from '../src/adapters/system/crypto-random';
import { appOptions } from '../src/compose/app-options';
import { composeDependencies } from '../src/compose/compose-dependencies';
import { buildApp } from '../src/http/build-app';
import { Fixtures } from './support/fixtures';
import { TestClock } from './support/test-clock';
import { testConfig } from './support/test-config';
import { openTestStorage } from './support/test-storage';

describe('logs (SPEC §9: JSON with request ids, no secret, code, token, password or assertion)', () => {
  const lines: string[] = [];
  let app: Awaited<ReturnType<typeof buildApp>>;
  let close: () => Promise<void>;
  let integration: { clientId: string; secret?: string };

  before(async () => {
    const storage = await openTestStorage('sqlite');
    const deps = await composeDependencies(testConfig({ COUNTERSIGN_LOG_LEVEL: 'debug' }), storage, new TestClock(), cryptoRandom);
    app = await buildApp(appOptions(deps), { logger: { stream: { write: (line: string) => void lines.push(line) } } });
    const f = new Fixtures(storage.db, deps.secretHasher, deps.changes);
    integration = await f.credential((await f.store()).id, 'test', 'integration');
    close = async () => {
      await app.close();
      await storage.close();
    };
  });
  after(() => close());

  test('a token request and its answer leave neither the secret nor the token in the log', async () => {
    const basic = `Basic ${Buffer.from(`${integration.clientId}:${integration.secret}`).toString('base64')}`;
    const res = await app.inject({
      method: 'POST',
      url: '/oauth/token?client_secret=leaky',
      headers: { authorization: basic, 'x-request-id': 'req-123' },
      payload: { grant_type: 'client_credentials' },
    });
    assert.equal(res.statusCode, 200);
    const token = res.json().access_token as string;
    const log = lines.join('');
    assert.ok(lines.length > 0);
    for (const line of lines) JSON.parse(line);
    assert.ok(!log.includes(integration.secret!), 'the client secret was logged');
    assert.ok(!log.includes(basic.slice(6)), 'the Basic credentials were logged');
    assert.ok(!log.includes(token.split('.')[1]!), 'the access token was logged');
    assert.ok(!log.includes('leaky'), 'the query string was logged');
    assert.ok(log.includes('"reqId":"req-123"'), 'the request id is missing');
    assert.equal(res.headers['x-request-id'], 'req-123');
  });

  test('one line per request, with its id, method, path and status', async () => {
    const before = lines.length;
    const res = await app.inject({ method: 'GET', url: '/.well-known/jwks.json?x=1', headers: { 'x-request-id': 'req-jwks' } });
    assert.equal(res.statusCode, 200);
    const mine = lines
      .slice(before)
      .map((l) => JSON.parse(l))
      .filter((l) => l.reqId === 'req-jwks');
    assert.equal(mine.length, 1);
    assert.equal(mine[0].level, 30);
    assert.deepEqual(mine[0].req, { method: 'GET', url: '/.well-known/jwks.json', remoteAddress: '127.0.0.1' });
    assert.equal(mine[0].res.statusCode, 200);
    assert.equal(typeof mine[0].responseTime, 'number');
  });

  test('a successful token answer is logged at debug, a refused one at info, neither with the secret sent in the body', async () => {
    const before = lines.length;
    const ok = await app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { 'x-request-id': 'req-ok' },
      payload: { grant_type: 'client_credentials', client_id: integration.clientId, client_secret: integration.secret },
    });
    assert.equal(ok.statusCode, 200);
    const refused = await app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { 'x-request-id': 'req-refused' },
      payload: { grant_type: 'client_credentials', client_id: integration.clientId, client_secret: 'wrong-secret-in-body' },
    });
    assert.equal(refused.statusCode, 401);
    const mine = lines.slice(before).map((l) => JSON.parse(l));
    const okLines = mine.filter((l) => l.reqId === 'req-ok');
    const refusedLines = mine.filter((l) => l.reqId === 'req-refused');
    assert.deepEqual(
      okLines.map((l) => [l.level, l.res.statusCode]),
      [[20, 200]],
    );
    assert.deepEqual(
      refusedLines.map((l) => [l.level, l.res.statusCode]),
      [[30, 401]],
    );
    const log = lines.slice(before).join('');
    assert.ok(!log.includes(integration.secret!), 'the client secret was logged');
    assert.ok(!log.includes('wrong-secret-in-body'), 'the wrong secret was logged');
    assert.ok(!log.includes(ok.json().access_token.split('.')[2]), 'the access token was logged');
  });

  test('the app exchange path is logged with its code replaced by :code', async () => {
    await app.inject({ method: 'GET', url: '/oauth2/some-app/exchange/super-secret-code' });
    const log = lines.join('');
    assert.ok(!log.includes('super-secret-code'));
    assert.ok(log.includes('/oauth2/some-app/exchange/:code'));
  });
});

describe('logs at the production level (info)', () => {
  test('successful token answers leave no line; refused ones leave one', async () => {
    const lines: string[] = [];
    const storage = await openTestStorage('sqlite');
    const deps = await composeDependencies(testConfig({ COUNTERSIGN_LOG_LEVEL: 'info' }), storage, new TestClock(), cryptoRandom);
    const app = await buildApp(appOptions(deps), { logger: { stream: { write: (line: string) => void lines.push(line) } } });
    try {
      const f = new Fixtures(storage.db, deps.secretHasher, deps.changes);
      const client = await f.credential((await f.store()).id, 'test', 'integration');
      for (let i = 0; i < 3; i++) {
        const res = await app.inject({
          method: 'POST',
          url: '/oauth/token',
          payload: { grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret },
        });
        assert.equal(res.statusCode, 200);
      }
      assert.deepEqual(lines, []);
      const res = await app.inject({ method: 'POST', url: '/oauth2-token', payload: { grant_type: 'password' } });
      assert.equal(res.statusCode, 401);
      assert.equal(lines.length, 1);
      assert.equal(JSON.parse(lines[0]!).res.statusCode, 401);
    } finally {
      await app.close();
      await storage.close();
    }
  });
});
