import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { cryptoRandom } from '../src/adapters/system/crypto-random';
import { appOptions } from '../src/compose/app-options';
import { composeDependencies } from '../src/compose/compose-dependencies';
import { buildApp } from '../src/http/build-app';
import { type ListeningApp, startListeningApp } from './support/listening-app';
import { PageSession } from './support/page-session';
import { shopWorld } from './support/shop-world';
import type { TestApp } from './support/test-app';
import { TestClock } from './support/test-clock';
import { TEST_ADMIN_TOKEN, testConfig } from './support/test-config';
import { openTestStorage } from './support/test-storage';

const ISSUER = 'http://127.0.0.1:4000';
const redirectUri = 'https://backoffice.example/callback';

/** RFC 9700 regressions not covered elsewhere, and every log line of a representative run searched for secrets. */
describe('security regressions (RFC 9700)', () => {
  const lines: string[] = [];
  let t: TestApp;
  let w: Awaited<ReturnType<typeof shopWorld>>;
  let webapp: { clientId: string; secret?: string };
  let integration: { clientId: string; secret?: string };
  let staff: { email: string; password: string };

  before(async () => {
    const storage = await openTestStorage('sqlite');
    const clock = new TestClock();
    const deps = await composeDependencies(testConfig({ COUNTERSIGN_LOG_LEVEL: 'trace' }), storage, clock, cryptoRandom);
    const app = await buildApp(appOptions(deps), { logger: { stream: { write: (line: string) => void lines.push(line) } } });
    await app.ready();
    t = {
      app,
      deps,
      clock,
      close: async () => {
        await app.close();
        await deps.close();
        await storage.close();
      },
    };
    w = await shopWorld(t);
    webapp = await w.f.credential(w.store.id, 'test', 'webapp', { scopes: ['stores.view'], redirectUris: [redirectUri] });
    integration = await w.f.credential(w.store.id, 'test', 'integration', { scopes: ['stores.view', 'provisioning'] });
    staff = await w.f.user('staff@shop.invalid', 'staff password 1');
    await w.f.membership(
      w.store.id,
      (await t.deps.storage.db.selectFrom('users').select('id').where('email', '=', staff.email).executeTakeFirstOrThrow()).id,
      'admin',
    );
  });
  after(() => t.close());

  const authorizeUrl = (params: Record<string, string>) => `/oauth/authorize?${new URLSearchParams(params).toString()}`;

  test('mix-up (RFC 9700 §4.4, RFC 9207): every authorization error redirect carries iss', async () => {
    const base = { client_id: webapp.clientId, redirect_uri: redirectUri, state: 's1' };
    const challenge = createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url');
    const cases = [
      { ...base, response_type: 'code', scope: 'no.such.scope', code_challenge: challenge, code_challenge_method: 'S256' },
      { ...base, response_type: 'token', scope: 'stores.view', code_challenge: challenge, code_challenge_method: 'S256' },
      { ...base, response_type: 'code', scope: 'stores.view', code_challenge: challenge, code_challenge_method: 'plain' },
    ];
    for (const params of cases) {
      const res = await t.app.inject({ method: 'GET', url: authorizeUrl(params) });
      assert.equal(res.statusCode, 303, `${JSON.stringify(params)}: ${res.body.slice(0, 200)}`);
      const location = new URL(String(res.headers.location));
      assert.ok(location.searchParams.get('error'), 'an error is reported');
      assert.equal(location.searchParams.get('iss'), ISSUER);
      assert.equal(location.searchParams.get('state'), 's1');
    }
  });

  test('no CORS on the authorization endpoint or its forms, even when asked', async () => {
    const origin = 'https://attacker.example';
    for (const url of [authorizeUrl({ client_id: webapp.clientId, response_type: 'code' }), '/oauth/signin', '/oauth/consent']) {
      const get = await t.app.inject({ method: 'GET', url, headers: { origin } });
      assert.equal(get.headers['access-control-allow-origin'], undefined, `GET ${url}`);
      const preflight = await t.app.inject({
        method: 'OPTIONS',
        url,
        headers: { origin, 'access-control-request-method': 'POST' },
      });
      assert.equal(preflight.headers['access-control-allow-origin'], undefined, `OPTIONS ${url}`);
      assert.equal(preflight.headers['access-control-allow-methods'], undefined);
    }
  });

  test('a representative run logs no secret, password, code, token or assertion it used (every line, at trace level)', async (c) => {
    const used: string[] = [TEST_ADMIN_TOKEN, w.vipShopper.password, w.shopper.password, staff.password];
    const remember = (...values: (string | undefined)[]) => {
      for (const v of values) if (v) used.push(v);
    };
    remember(webapp.secret, integration.secret);

    // Password grant, refresh, introspection, revocation.
    const signedIn = await w.signIn();
    remember(signedIn.access_token, signedIn.refresh_token);
    const refreshed = (await w.refresh(signedIn.refresh_token)).json();
    remember(refreshed.access_token, refreshed.refresh_token);
    assert.equal(
      (await w.introspect({ client_id: integration.clientId, client_secret: integration.secret, token: refreshed.access_token }))
        .statusCode,
      200,
    );
    assert.equal((await w.revoke({ client_id: w.salesChannel.clientId, token: refreshed.refresh_token })).statusCode, 200);
    // Client credentials with the secret in a Basic header and in the body; a wrong secret; a wrong password.
    const basic = Buffer.from(`${integration.clientId}:${integration.secret}`).toString('base64');
    remember(basic);
    const cc = await w.token({ grant_type: 'client_credentials' }, { authorization: `Basic ${basic}` });
    remember(cc.json().access_token);
    remember(
      (await w.token({ grant_type: 'client_credentials', client_id: integration.clientId, client_secret: integration.secret })).json()
        .access_token,
    );
    const wrongSecret = `wrong-${randomBytes(12).toString('hex')}`;
    const wrongPassword = `wrong password ${randomBytes(6).toString('hex')}`;
    remember(wrongSecret, wrongPassword);
    assert.equal(
      (await w.token({ grant_type: 'client_credentials', client_id: integration.clientId, client_secret: wrongSecret })).statusCode,
      401,
    );
    assert.equal(
      (
        await w.token({
          grant_type: 'password',
          client_id: w.salesChannel.clientId,
          username: w.shopper.email,
          password: wrongPassword,
          scope: 'market:code:europe',
        })
      ).statusCode,
      400,
    );
    // A broken assertion (jwt-bearer) and a broken client assertion.
    const assertion = `eyJhbGciOiJFUzI1NiJ9.${Buffer.from(JSON.stringify({ iss: integration.clientId, jti: randomBytes(8).toString('hex') })).toString('base64url')}.c2ln`;
    remember(assertion);
    await w.token({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      client_id: integration.clientId,
      client_secret: integration.secret,
      assertion,
    });
    // The authorization code flow through the pages: sign-in password, the code, PKCE verifier, tokens.
    const verifier = randomBytes(32).toString('base64url');
    remember(verifier);
    const browser = new PageSession(t.app);
    const page = await browser.get(
      authorizeUrl({
        client_id: webapp.clientId,
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: 'stores.view',
        state: 'st',
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
      }),
    );
    const consent = await browser.signIn(page, staff.email, staff.password);
    const approved = await browser.decide(consent, 'approve');
    const code = new URL(String(approved.headers.location)).searchParams.get('code') ?? '';
    remember(code);
    for (const [name, value] of browser.cookies) if (name !== '_csrf') remember(value);
    const tokens = (
      await w.token({
        grant_type: 'authorization_code',
        client_id: webapp.clientId,
        client_secret: webapp.secret,
        code,
        redirect_uri: redirectUri,
        code_verifier: verifier,
      })
    ).json();
    remember(tokens.access_token, tokens.refresh_token);
    // A replayed code (revokes the grant) and a provisioning create that answers with a new secret.
    await w.token({
      grant_type: 'authorization_code',
      client_id: webapp.clientId,
      client_secret: webapp.secret,
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
    });
    const created = await t.app.inject({
      method: 'POST',
      url: `/provisioning/v1/stores/${w.store.id}/credentials`,
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      payload: { kind: 'integration', mode: 'test', name: 'logged?', scopes: ['stores.view'] },
    });
    assert.equal(created.statusCode, 201, created.body);
    remember(created.json().client_secret);

    assert.ok(lines.length > 40, `the run was logged (${lines.length} lines)`);
    // Each value, and for a JWT each of its three parts, must be absent from every line.
    const needles = used.flatMap((value) => (value.split('.').length === 3 ? value.split('.').filter((p) => p.length >= 16) : [value]));
    c.diagnostic(`${lines.length} log lines searched for ${needles.length} secret values`);
    for (const line of lines) {
      for (const needle of needles) assert.ok(!line.includes(needle), `a secret value was logged: ${line.slice(0, 300)}`);
    }
  });
});

/** X-Forwarded-* from a client is ignored unless its address is a configured trusted proxy (through HTTP). */
describe('spoofed X-Forwarded-* (RFC 9700 §4.18)', () => {
  let plain: ListeningApp;
  let proxied: ListeningApp;
  before(async () => {
    plain = await startListeningApp({ env: { COUNTERSIGN_TOKEN_RATE_LIMIT: '3' } });
    proxied = await startListeningApp({ env: { COUNTERSIGN_TOKEN_RATE_LIMIT: '3', COUNTERSIGN_TRUSTED_PROXIES: '127.0.0.1' } });
  });
  after(async () => {
    await plain.close();
    await proxied.close();
  });

  const tokenRequests = async (issuer: string) => {
    const statuses: number[] = [];
    for (let i = 1; i <= 5; i++) {
      const res = await fetch(`${issuer}/oauth/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-forwarded-for': `198.51.100.${i}`,
          'x-real-ip': `198.51.100.${i}`,
        },
        body: 'grant_type=client_credentials&client_id=nobody',
      });
      await res.arrayBuffer();
      statuses.push(res.status);
    }
    return statuses;
  };

  test('without a trusted proxy, a different X-Forwarded-For per request does not escape the per-address limit', async () => {
    assert.deepEqual(await tokenRequests(plain.issuer), [401, 401, 401, 429, 429]);
  });

  test('from a trusted proxy, X-Forwarded-For names the client: five addresses, five separate limits', async () => {
    assert.deepEqual(await tokenRequests(proxied.issuer), [401, 401, 401, 401, 401]);
  });

  test('X-Forwarded-Host and -Proto change neither the issuer in the metadata nor where errors redirect', async () => {
    const res = await fetch(`${plain.issuer}/.well-known/oauth-authorization-server`, {
      headers: { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https', host: 'evil.example' },
    });
    const metadata = (await res.json()) as { issuer: string; token_endpoint: string };
    assert.equal(metadata.issuer, plain.issuer);
    assert.ok(metadata.token_endpoint.startsWith(plain.issuer));
  });
});
