import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { cryptoRandom } from '../src/adapters/system/crypto-random';
import { appOptions } from '../src/compose/app-options';
import { composeDependencies } from '../src/compose/compose-dependencies';
import { buildApp } from '../src/http/build-app';
import { appExchangeWorld } from './support/app-exchange-world';
import { startTestApp, type TestApp } from './support/test-app';
import { TestClock } from './support/test-clock';
import { TEST_ADMIN_TOKEN, testConfig } from './support/test-config';
import { openTestStorage, testDialects } from './support/test-storage';

type World = Awaited<ReturnType<typeof appExchangeWorld>>;
type Reply = Awaited<ReturnType<World['exchange']>>;

/** SPEC §3: every body has exactly the four keys. */
function assertRefused(res: Reply, status: number, code: string) {
  assert.equal(res.statusCode, status, res.body);
  const body = res.json();
  assert.deepEqual(Object.keys(body).sort(), ['code', 'data', 'message', 'success']);
  assert.equal(body.success, false);
  assert.equal(body.code, code);
  assert.equal(body.data, null);
  assert.equal(typeof body.message, 'string');
  assert.equal(res.headers['cache-control'], 'no-store');
  assert.equal(res.headers['access-control-allow-origin'], undefined);
}

function apiKeyOf(res: Reply): string {
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  assert.deepEqual(body, { success: true, message: null, code: null, data: body.data });
  assert.equal(typeof body.data, 'string');
  return body.data;
}

const jwks = async (t: TestApp) => (await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json();

describe('GET /oauth2/{appId}/exchange/{code} (SPEC §3)', () => {
  let t: TestApp;
  let w: World;
  before(async () => {
    // These tests fail on purpose far more than ten times a minute; throttling has its own test.
    t = await startTestApp({ env: { COUNTERSIGN_FAILED_ATTEMPT_LIMIT: '0' } });
    w = await appExchangeWorld(t);
  });
  after(() => t.close());

  test('a code becomes an API key: typ api-key+jwt, no exp, the two chosen stores, grant_id, verifiable against the JWKS', async () => {
    const code = await w.code();
    const res = await w.exchange(w.app.clientId, code.value);
    const apiKey = apiKeyOf(res);
    assert.equal(res.headers['cache-control'], 'no-store');
    for (const name of Object.keys(res.headers)) assert.ok(!name.startsWith('access-control-'), `CORS header ${name} sent`);

    const header = decodeProtectedHeader(apiKey);
    assert.equal(header.typ, 'api-key+jwt');
    assert.equal(header.kid, t.deps.keyRing.current().kid);
    const { payload } = await jwtVerify(apiKey, createLocalJWKSet(await jwks(t)), {
      typ: 'api-key+jwt',
      issuer: t.deps.config.issuer,
      audience: 'backoffice',
      currentDate: new Date(t.clock.now()),
    });
    assert.equal(payload.exp, undefined, 'an API key has no exp');
    assert.equal(payload.sub, w.user.id);
    assert.equal(payload.client_id, w.app.clientId);
    assert.equal(payload.scope, 'stores.view stores.products.view');
    assert.equal(payload.test, false);
    assert.equal(typeof payload.iat, 'number');
    assert.equal(typeof payload.jti, 'string');
    assert.deepEqual(payload.application, { id: w.app.id, client_id: w.app.clientId, kind: 'app', public: false });
    assert.deepEqual(payload.owner, { type: 'user', id: w.user.id });
    assert.equal(payload.store, undefined);
    const stores = payload.stores as { id: string; slug: string }[];
    assert.deepEqual(
      [...stores].sort((a, b) => a.id.localeCompare(b.id)),
      w.chosen.map((s) => ({ id: s.id, slug: s.slug })).sort((a, b) => a.id.localeCompare(b.id)),
    );

    const grant = await w.grantRow(payload.grant_id as string);
    assert.equal(grant.client_id, w.app.clientId);
    assert.equal(grant.revoked_at, null);
    assert.equal(grant.api_key_kid, header.kid, 'the grant records the kid that signed its API key');
    const refreshTokens = await t.deps.storage.db.selectFrom('refresh_tokens').select('id').where('grant_id', '=', grant.id).execute();
    assert.deepEqual(refreshTokens, [], 'an API key grant has no refresh token nobody received');
  });

  test('an API key is no access token: the access-token checks refuse it', async () => {
    const apiKey = await w.apiKey();
    await assert.rejects(t.deps.accessTokenVerifier.verify(apiKey));
    const res = await t.app.inject({ method: 'GET', url: '/provisioning/v1/stores', headers: { authorization: `Bearer ${apiKey}` } });
    assert.equal(res.statusCode, 401);
  });

  test('1. a missing or blank User-Agent is 400 invalid_request, and does not consume the code', async () => {
    const code = await w.code();
    assertRefused(await w.exchange(w.app.clientId, code.value, { 'user-agent': undefined }), 400, 'invalid_request');
    assertRefused(await w.exchange(w.app.clientId, code.value, { 'user-agent': '   ' }), 400, 'invalid_request');
    apiKeyOf(await w.exchange(w.app.clientId, code.value));
  });

  test('2. an unknown app id, in any form, is 404 app_not_found; a store credential is not an app', async () => {
    const code = await w.code();
    assertRefused(await w.exchange('no-such-app', code.value), 404, 'app_not_found');
    assertRefused(await w.exchange('☃ spaces & "quotes"', code.value), 404, 'app_not_found');
    assertRefused(await w.exchange('x'.repeat(500), code.value), 404, 'app_not_found');
    const credential = await w.f.credential(w.stores[0].id, 'live', 'webapp', { redirectUris: ['https://app.example/callback'] });
    assertRefused(await w.exchange(credential.clientId, code.value, {}, { secret: credential.secret }), 404, 'app_not_found');
    apiKeyOf(await w.exchange(w.app.clientId, code.value));
  });

  test('3. a missing or wrong secret is 401 invalid_client_secret and leaves the code usable', async () => {
    const code = await w.code();
    assertRefused(await w.exchange(w.app.clientId, code.value, {}, { secret: undefined }), 401, 'invalid_client_secret');
    assertRefused(await w.exchange(w.app.clientId, code.value, {}, { secret: '' }), 401, 'invalid_client_secret');
    assertRefused(await w.exchange(w.app.clientId, code.value, {}, { secret: 'A'.repeat(72) }), 401, 'invalid_client_secret');
    assertRefused(await w.exchange(w.app.clientId, code.value, {}, { secret: w.otherApp.secret }), 401, 'invalid_client_secret');
    apiKeyOf(await w.exchange(w.app.clientId, code.value));
  });

  test('3. a public app cannot exchange, with or without a secret', async () => {
    const code = await w.code(w.publicApp);
    assertRefused(await w.exchange(w.publicApp.clientId, code.value, {}, { secret: undefined }), 401, 'invalid_client_secret');
    assertRefused(await w.exchange(w.publicApp.clientId, code.value, {}, { secret: w.app.secret }), 401, 'invalid_client_secret');
  });

  test('4. an unknown code, or one issued to another app, is 400 invalid_code', async () => {
    assertRefused(await w.exchange(w.app.clientId, 'not-a-code'), 400, 'invalid_code');
    const long = await w.exchange(w.app.clientId, 'c'.repeat(2000));
    assertRefused(long, 400, 'invalid_code');
    assert.ok(!long.body.includes('c'.repeat(100)), 'the code was echoed');
    const theirs = await w.code(w.otherApp);
    assertRefused(await w.exchange(w.app.clientId, theirs.value), 400, 'invalid_code');
    // It was not consumed by the attempt: its own app still exchanges it.
    apiKeyOf(await w.exchange(w.otherApp.clientId, theirs.value, {}, { secret: w.otherApp.secret }));
  });

  test('4. a used code is invalid_code and revokes the grant of its first use, so the first API key dies', async () => {
    const code = await w.code();
    const first = apiKeyOf(await w.exchange(w.app.clientId, code.value));
    assert.equal((await w.introspect(w.app, first)).json().active, true);
    assertRefused(await w.exchange(w.app.clientId, code.value), 400, 'invalid_code');
    const grant = await w.grantRow(decodeJwt(first).grant_id as string);
    assert.notEqual(grant.revoked_at, null);
    assert.equal(grant.revoked_reason, 'code_replay');
    assert.deepEqual((await w.introspect(w.app, first)).json(), { active: false });
  });

  test('4. PKCE: a code issued with a challenge needs the matching X-Code-Verifier', async () => {
    const code = await w.code(w.app, { challenge: true });
    assertRefused(await w.exchange(w.app.clientId, code.value), 400, 'invalid_code');
    assertRefused(await w.exchange(w.app.clientId, code.value, { 'x-code-verifier': 'w'.repeat(43) }), 400, 'invalid_code');
    assertRefused(await w.exchange(w.app.clientId, code.value, { 'x-code-verifier': 'short' }), 400, 'invalid_code');
    apiKeyOf(await w.exchange(w.app.clientId, code.value, { 'x-code-verifier': code.verifier }));
  });

  test('5. an expired code is 400 code_expired; a used and expired one is invalid_code', async () => {
    const code = await w.code();
    const used = await w.code();
    apiKeyOf(await w.exchange(w.app.clientId, used.value));
    t.clock.advance(61);
    try {
      assertRefused(await w.exchange(w.app.clientId, code.value), 400, 'code_expired');
      assertRefused(await w.exchange(w.app.clientId, used.value), 400, 'invalid_code');
    } finally {
      t.clock.advance(-61);
    }
  });

  test('the order: no User-Agent before an unknown app, an unknown app before a bad secret, a bad secret before the code', async () => {
    assertRefused(await w.exchange('no-such-app', 'no-such-code', { 'user-agent': undefined }), 400, 'invalid_request');
    assertRefused(await w.exchange('no-such-app', 'no-such-code', {}, { secret: 'wrong' }), 404, 'app_not_found');
    assertRefused(await w.exchange(w.app.clientId, 'no-such-code', {}, { secret: 'wrong' }), 401, 'invalid_client_secret');
    const code = await w.code();
    t.clock.advance(61);
    try {
      assertRefused(await w.exchange(w.app.clientId, code.value, {}, { secret: 'wrong' }), 401, 'invalid_client_secret');
    } finally {
      t.clock.advance(-61);
    }
  });

  test('the previous secret works during its overlap, and not after', async () => {
    const rotated = await t.app.inject({
      method: 'POST',
      url: `/provisioning/v1/apps/${w.otherApp.id}/rotate_secret`,
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    });
    assert.equal(rotated.statusCode, 200, rotated.body);
    const { client_secret: current, previous_secret_expires_at: until } = rotated.json();
    apiKeyOf(await w.exchange(w.otherApp.clientId, (await w.code(w.otherApp)).value, {}, { secret: w.otherApp.secret }));
    apiKeyOf(await w.exchange(w.otherApp.clientId, (await w.code(w.otherApp)).value, {}, { secret: current }));
    const seconds = Math.ceil((Date.parse(until) - t.clock.now()) / 1000) + 1;
    t.clock.advance(seconds);
    try {
      const code = await w.code(w.otherApp);
      assertRefused(await w.exchange(w.otherApp.clientId, code.value, {}, { secret: w.otherApp.secret }), 401, 'invalid_client_secret');
      apiKeyOf(await w.exchange(w.otherApp.clientId, code.value, {}, { secret: current }));
    } finally {
      t.clock.advance(-seconds);
    }
    w.otherApp.secret = current;
  });

  test('an Authorization header is ignored: it neither authenticates nor gets in the way', async () => {
    const code = await w.code();
    const basic = `Basic ${Buffer.from(`${w.app.clientId}:${w.app.secret}`).toString('base64')}`;
    assertRefused(
      await w.exchange(w.app.clientId, code.value, { authorization: basic }, { secret: undefined }),
      401,
      'invalid_client_secret',
    );
    apiKeyOf(await w.exchange(w.app.clientId, code.value, { authorization: 'Bearer garbage' }));
  });

  test('other paths under /oauth2/ are plain 404s', async () => {
    for (const url of [
      '/oauth2/',
      `/oauth2/${w.app.clientId}`,
      `/oauth2/${w.app.clientId}/exchange/`,
      `/oauth2/${w.app.clientId}/other/x`,
      `/oauth2/${w.app.clientId}/exchange/x/y`,
    ]) {
      const res = await t.app.inject({ method: 'GET', url, headers: { 'user-agent': 'MyApp/1.0' } });
      assert.equal(res.statusCode, 404, url);
      assert.equal(res.json().errors[0].code, 'NOT_FOUND', url);
    }
  });

  test('HEAD is not an exchange (it would consume the code and drop the API key), and neither is a preflight', async () => {
    const code = await w.code();
    const head = await t.app.inject({
      method: 'HEAD',
      url: `/oauth2/${w.app.clientId}/exchange/${code.value}`,
      headers: { 'x-client-secret': w.app.secret! },
    });
    assert.equal(head.statusCode, 404);
    const preflight = await t.app.inject({
      method: 'OPTIONS',
      url: `/oauth2/${w.app.clientId}/exchange/${code.value}`,
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    assert.equal(preflight.headers['access-control-allow-origin'], undefined);
    apiKeyOf(await w.exchange(w.app.clientId, code.value));
  });

  test('a body sent with the GET is never parsed, so no parser error can get in the way', async () => {
    const code = await w.code();
    const res = await t.app.inject({
      method: 'GET',
      url: `/oauth2/${w.app.clientId}/exchange/${code.value}`,
      headers: { 'user-agent': 'MyApp/1.0', 'x-client-secret': w.app.secret!, 'content-type': 'application/json' },
      payload: '{not json',
    });
    apiKeyOf(res);
  });

  test('introspection by its own app: active with token_type api_key while the grant lives; another app learns nothing', async () => {
    const apiKey = await w.apiKey();
    const body = (await w.introspect(w.app, apiKey)).json();
    assert.equal(body.active, true);
    assert.equal(body.token_type, 'api_key');
    assert.equal(body.client_id, w.app.clientId);
    assert.equal(body.exp, undefined);
    assert.deepEqual((await w.introspect(w.otherApp, apiKey)).json(), { active: false });
  });

  test('revoking an API key at /oauth/revoke revokes its grant; another app gets 403 and nothing changes', async () => {
    const apiKey = await w.apiKey();
    const grantId = decodeJwt(apiKey).grant_id as string;
    const published: { collection: string; id: string }[] = [];
    const unsubscribe = t.deps.changes.subscribe((c) => published.push(c));
    try {
      const theirs = await w.revoke(w.otherApp, apiKey);
      assert.equal(theirs.statusCode, 403);
      assert.equal(theirs.json().error, 'unauthorized_client');
      assert.equal((await w.grantRow(grantId)).revoked_at, null);

      const mine = await w.revoke(w.app, apiKey);
      assert.equal(mine.statusCode, 200, mine.body);
      assert.deepEqual(mine.json(), {});
      const grant = await w.grantRow(grantId);
      assert.notEqual(grant.revoked_at, null);
      assert.equal(grant.revoked_reason, 'revoked_by_client');
      assert.deepEqual(published, [{ collection: 'grants', id: grantId }]);
      assert.deepEqual((await w.introspect(w.app, apiKey)).json(), { active: false });
      // Revoking again is a 200 that changes nothing (RFC 7009 §2.2).
      assert.equal((await w.revoke(w.app, apiKey)).statusCode, 200);
      assert.equal(published.length, 1);
    } finally {
      unsubscribe();
    }
  });

  test('a forged API key (typ api-key+jwt, not our signature) revokes nothing and introspects inactive', async () => {
    const apiKey = await w.apiKey();
    const [h, p] = apiKey.split('.');
    const forged = `${h}.${p}.${Buffer.from('x'.repeat(64)).toString('base64url')}`;
    assert.equal((await w.revoke(w.app, forged)).statusCode, 200);
    assert.equal((await w.grantRow(decodeJwt(apiKey).grant_id as string)).revoked_at, null);
    assert.deepEqual((await w.introspect(w.app, forged)).json(), { active: false });
  });
});

describe('app exchange: failed attempts are throttled per app and address (SPEC §3)', () => {
  let t: TestApp;
  let w: World;
  before(async () => {
    t = await startTestApp({ env: { COUNTERSIGN_FAILED_ATTEMPT_LIMIT: '3' } });
    w = await appExchangeWorld(t);
  });
  after(() => t.close());

  test('after the limit, 429 too_many_requests in the envelope with Retry-After, even with the right secret; another address is not held up', async () => {
    const code = await w.code();
    const from = { remoteAddress: '203.0.113.7' };
    for (let i = 0; i < 3; i++) {
      assertRefused(await w.exchange(w.app.clientId, code.value, {}, { ...from, secret: 'wrong' }), 401, 'invalid_client_secret');
    }
    const blocked = await w.exchange(w.app.clientId, code.value, {}, from);
    assertRefused(blocked, 429, 'too_many_requests');
    assert.ok(Number(blocked.headers['retry-after']) >= 1);
    // Failed codes count too, and steps 1 and 2 still answer before the throttle.
    assertRefused(await w.exchange('no-such-app', code.value, {}, from), 404, 'app_not_found');
    assertRefused(await w.exchange(w.app.clientId, code.value, { 'user-agent': undefined }, from), 400, 'invalid_request');

    // The code was never consumed; from elsewhere it still works.
    apiKeyOf(await w.exchange(w.app.clientId, code.value, {}, { remoteAddress: '198.51.100.9' }));
    const other = await w.code();
    for (let i = 0; i < 3; i++)
      assertRefused(await w.exchange(w.app.clientId, `bad-${i}`, {}, { remoteAddress: '198.51.100.9' }), 400, 'invalid_code');
    assertRefused(await w.exchange(w.app.clientId, other.value, {}, { remoteAddress: '198.51.100.9' }), 429, 'too_many_requests');

    t.clock.advance(61);
    apiKeyOf(await w.exchange(w.app.clientId, (await w.code()).value, {}, from));
  });
});

describe('app exchange logs (SPEC §3, §9)', () => {
  test('the path is logged with the code replaced by :code; neither the secret, the verifier nor the API key is logged', async () => {
    const lines: string[] = [];
    const storage = await openTestStorage('sqlite');
    const clock = new TestClock();
    const deps = await composeDependencies(testConfig({ COUNTERSIGN_LOG_LEVEL: 'debug' }), storage, clock, cryptoRandom);
    const app = await buildApp(appOptions(deps), { logger: { stream: { write: (line: string) => void lines.push(line) } } });
    try {
      const w = await appExchangeWorld({ app, deps, clock, close: async () => {} });
      const code = await w.code(w.app, { challenge: true });
      const res = await w.exchange(w.app.clientId, code.value, { 'x-code-verifier': code.verifier });
      const apiKey = apiKeyOf(res);
      const refused = await w.exchange(w.app.clientId, 'another-secret-code');
      assert.equal(refused.statusCode, 400);
      const log = lines.join('');
      assert.ok(log.includes(`/oauth2/${w.app.clientId}/exchange/:code`), 'the redacted path is missing');
      for (const secret of [code.value, 'another-secret-code', code.verifier, w.app.secret!, apiKey.split('.')[1]!]) {
        assert.ok(!log.includes(secret), `logged: ${secret.slice(0, 8)}…`);
      }
    } finally {
      await app.close();
      await storage.close();
    }
  });
});

describe('signing keys and API keys (SPEC §4)', async () => {
  for (const dialect of await testDialects()) {
    test(`[${dialect}] the JWKS keeps a retired key while a live API key names it, and drops it once that grant is revoked`, async () => {
      const t = await startTestApp({ dialect });
      try {
        const w = await appExchangeWorld(t);
        const apiKey = await w.apiKey();
        const kid = decodeProtectedHeader(apiKey).kid!;
        const { rotateKeys } = await import('../src/compose/rotate-keys');
        await rotateKeys(t.deps, false, 'test');
        // Well past publish_until (the longest access-token lifetime, 14400 s here).
        t.clock.advance(3 * 86400);
        await t.deps.keyRing.load();
        let set = await jwks(t);
        assert.ok(
          set.keys.some((k: { kid: string }) => k.kid === kid),
          'the key of a live API key left the JWKS',
        );
        await jwtVerify(apiKey, createLocalJWKSet(set), { typ: 'api-key+jwt', currentDate: new Date(t.clock.now()) });
        assert.equal((await w.introspect(w.app, apiKey)).json().active, true);

        // Another rotation's cleanup keeps it too.
        await rotateKeys(t.deps, false, 'test');
        assert.ok((await jwks(t)).keys.some((k: { kid: string }) => k.kid === kid));

        assert.equal((await w.revoke(w.app, apiKey)).statusCode, 200);
        await t.deps.keyRing.load();
        set = await jwks(t);
        assert.ok(!set.keys.some((k: { kid: string }) => k.kid === kid), 'the key stayed published after its last API key was revoked');
        await rotateKeys(t.deps, false, 'test');
        const row = await t.deps.storage.db.selectFrom('signing_keys').select('kid').where('kid', '=', kid).executeTakeFirst();
        assert.equal(row, undefined, 'the cleanup kept a key nothing needs');
      } finally {
        await t.close();
      }
    });

    test(`[${dialect}] a compromised rotation revokes the grants of the API keys the dropped key signed`, async () => {
      const t = await startTestApp({ dialect });
      try {
        const w = await appExchangeWorld(t);
        const apiKey = await w.apiKey();
        const grantId = decodeJwt(apiKey).grant_id as string;
        const { rotateKeys } = await import('../src/compose/rotate-keys');
        await rotateKeys(t.deps, true, 'test');
        const grant = await w.grantRow(grantId);
        assert.notEqual(grant.revoked_at, null);
        assert.equal(grant.revoked_reason, 'key_compromised');
        assert.ok(!(await jwks(t)).keys.some((k: { kid: string }) => k.kid === decodeProtectedHeader(apiKey).kid));
        assert.deepEqual((await w.introspect(w.app, apiKey)).json(), { active: false });
        // A key signed by the new current key is untouched.
        const fresh = await w.apiKey();
        assert.equal((await w.introspect(w.app, fresh)).json().active, true);
      } finally {
        await t.close();
      }
    });
  }
});

describe('a used code under a race (SPEC §3, DESIGN.md: single use that is really single)', async () => {
  for (const dialect of await testDialects()) {
    test(`[${dialect}] ten parallel exchanges of one code: one API key, nine invalid_code, no 500`, async () => {
      const t = await startTestApp({ dialect, env: { COUNTERSIGN_FAILED_ATTEMPT_LIMIT: '0' } });
      try {
        const w = await appExchangeWorld(t);
        const code = await w.code();
        const replies = await Promise.all(Array.from({ length: 10 }, () => w.exchange(w.app.clientId, code.value)));
        const statuses = replies.map((r) => r.statusCode).sort();
        assert.deepEqual(statuses, [200, 400, 400, 400, 400, 400, 400, 400, 400, 400], replies.map((r) => r.body).join('\n'));
        for (const r of replies.filter((r) => r.statusCode === 400)) assertRefused(r, 400, 'invalid_code');
        // The losers were second uses: the winner's grant is revoked with them (RFC 6749 §4.1.2).
        const winner = apiKeyOf(replies.find((r) => r.statusCode === 200)!);
        assert.notEqual((await w.grantRow(decodeJwt(winner).grant_id as string)).revoked_at, null);
        assert.equal(
          await t.deps.storage.db
            .selectFrom('grants')
            .select('id')
            .where('client_id', '=', w.app.clientId)
            .execute()
            .then((r) => r.length),
          1,
        );
      } finally {
        await t.close();
      }
    });
  }
});
