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
    const f = new Fixtures(storage.db, deps.secretHasher);
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

  test('the app exchange path is logged with its code replaced by :code', async () => {
    await app.inject({ method: 'GET', url: '/oauth2/some-app/exchange/super-secret-code' });
    const log = lines.join('');
    assert.ok(!log.includes('super-secret-code'));
    assert.ok(log.includes('/oauth2/some-app/exchange/:code'));
  });
});
