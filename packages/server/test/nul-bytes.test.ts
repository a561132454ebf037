import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PageSession } from './support/page-session';
import { shopWorld } from './support/shop-world';
import { startTestApp, type TestApp } from './support/test-app';
import { TEST_ADMIN_TOKEN } from './support/test-config';
import { testDialects } from './support/test-storage';

const NUL = '\u0000';

/**
 * SPEC §3: bad input is a 4xx with the usual error body, never a 500. PostgreSQL cannot store a NUL
 * byte and answers a query that holds one with an error; no client id, email, id, code or path of
 * ours ever holds one, so a request with one is refused before it reaches storage.
 */
for (const dialect of await testDialects()) {
  describe(`a NUL byte is a 4xx on ${dialect}, never a 500`, () => {
    let t: TestApp;
    let w: Awaited<ReturnType<typeof shopWorld>>;

    before(async () => {
      t = await startTestApp({ dialect });
      w = await shopWorld(t);
    });
    after(() => t.close());

    test('the token endpoint: invalid_request in the OAuth body', async () => {
      for (const payload of [
        { grant_type: 'client_credentials', client_id: `abc${NUL}def`, scope: 'market:code:europe' },
        { grant_type: 'password', client_id: w.salesChannel.clientId, username: `a${NUL}@shop.invalid`, password: 'x' },
        { grant_type: 'refresh_token', client_id: w.salesChannel.clientId, refresh_token: `r${NUL}` },
      ]) {
        const res = await w.token(payload);
        assert.equal(res.statusCode, 400, res.body);
        assert.equal(res.json().error, 'invalid_request');
        assert.equal(res.json().errors[0].status, 400);
      }
      const json = await t.app.inject({
        method: 'POST',
        url: '/oauth/token',
        payload: { grant_type: 'client_credentials', client_id: `x${NUL}` },
      });
      assert.equal(json.statusCode, 400);
      assert.equal(json.json().error, 'invalid_request');
    });

    test('HTTP Basic credentials holding one: invalid_client, as any failed client authentication', async () => {
      const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
      for (const authorization of [
        basic(NUL, ''),
        basic(`${w.salesChannel.clientId}${NUL}`, 'secret'),
        basic('%00', 'secret'),
        basic('some-client', `s${NUL}`),
        basic('some-client', 's%00'),
      ]) {
        for (const [url, payload] of [
          ['/oauth/token', 'grant_type=authorization_code&code=c&redirect_uri=https%3A%2F%2Fa.example%2Fcb'],
          ['/oauth/token', 'grant_type=client_credentials'],
          ['/oauth/revoke', 'token=t'],
          ['/oauth/introspect', 'token=t'],
        ] as const) {
          const res = await t.app.inject({
            method: 'POST',
            url,
            payload,
            headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
          });
          assert.equal(res.statusCode, 401, `${url} with ${JSON.stringify(authorization)}: ${res.body}`);
          assert.equal(res.json().error, 'invalid_client');
        }
      }
    });

    test('revoke and introspect: invalid_request', async () => {
      for (const url of ['/oauth/revoke', '/oauth/introspect']) {
        const res = await t.app.inject({ method: 'POST', url, payload: { client_id: w.salesChannel.clientId, token: `t${NUL}` } });
        assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
        assert.equal(res.json().error, 'invalid_request');
      }
    });

    test('the authorization endpoint and the sign-in form: a 400 page', async () => {
      const page = await t.app.inject({ method: 'GET', url: `/oauth/authorize?client_id=abc%00def` });
      assert.equal(page.statusCode, 400);
      assert.match(String(page.headers['content-type']), /^text\/html/);

      const webapp = await w.f.credential(w.store.id, 'test', 'webapp', { redirectUris: ['https://bo.example/cb'] });
      const browser = new PageSession(t.app);
      const signIn = await browser.get(`/oauth/authorize?client_id=${webapp.clientId}`);
      const posted = await browser.post('/oauth/signin', { ...PageSession.hiddenFields(signIn.body), email: `x${NUL}@y.z`, password: 'p' });
      assert.equal(posted.statusCode, 400);
      assert.match(String(posted.headers['content-type']), /^text\/html/);
    });

    test('the app exchange: invalid_request in its envelope', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/oauth2/app%00id/exchange/co%00de', headers: { 'user-agent': 'test/1.0' } });
      assert.equal(res.statusCode, 400, res.body);
      assert.deepEqual(res.json(), { success: false, message: res.json().message, code: 'invalid_request', data: null });
    });

    test('the provisioning API: a 4xx in JSON:API, nothing written', async () => {
      const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
      const before = (await t.deps.storage.db.selectFrom('users').select('id').execute()).length;
      const created = await t.app.inject({
        method: 'POST',
        url: '/provisioning/v1/users',
        headers: admin,
        payload: { email: `a${NUL}@example.com`, password: 'correct horse', name: 'N' },
      });
      assert.ok(created.statusCode >= 400 && created.statusCode < 500, created.body);
      assert.ok(Array.isArray(created.json().errors));
      assert.equal((await t.deps.storage.db.selectFrom('users').select('id').execute()).length, before);

      for (const url of [
        `/provisioning/v1/users/u%00x`,
        `/provisioning/v1/stores/${w.store.id}/customers/c%00x`,
        `/provisioning/v1/grants?user_id=a%00b`,
      ]) {
        const res = await t.app.inject({ method: 'GET', url, headers: admin });
        assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${url}: ${res.statusCode}`);
        assert.ok(Array.isArray(res.json().errors));
      }
    });
  });
}
