import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Fixtures } from './support/fixtures';
import { PageSession } from './support/page-session';
import { shopWorld } from './support/shop-world';
import { startTestApp, type TestApp } from './support/test-app';

const ISSUER = 'http://127.0.0.1:4000';
const pkce = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};
const authorizePath = (path: string, params: Record<string, string | undefined>) =>
  `${path}?${new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined)).toString()}`;

describe('the authorization code flow (SPEC §3)', () => {
  let t: TestApp;
  let w: Awaited<ReturnType<typeof shopWorld>>;
  let f: Fixtures;
  let webapp: { id: string; clientId: string; secret?: string };
  let staff: { id: string; email: string; password: string };
  let member: { id: string; email: string; password: string };
  const redirectUri = 'https://backoffice.example/callback';

  before(async () => {
    t = await startTestApp();
    w = await shopWorld(t);
    f = w.f;
    webapp = await f.credential(w.store.id, 'test', 'webapp', { scopes: ['stores.view', 'stores.update'], redirectUris: [redirectUri] });
    staff = await f.user('admin@shop.invalid', 'admin password 1');
    await f.membership(w.store.id, staff.id, 'admin');
    member = await f.user('member2@shop.invalid', 'member password 1');
    await f.membership(w.store.id, member.id, 'member');
  });
  after(() => t.close());

  test('a webapp: sign-in page, consent page with the security headers, redirect with code, state and iss, then tokens', async () => {
    const browser = new PageSession(t.app);
    const { verifier, challenge } = pkce();
    const url = authorizePath('/oauth/authorize', {
      client_id: webapp.clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'stores.view',
      state: 'st-123',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const signIn = await browser.get(url);
    assert.equal(signIn.statusCode, 200);
    assert.match(signIn.body, /Sign in to the back office/);
    for (const res of [signIn]) {
      assert.match(res.headers['content-security-policy'] as string, /frame-ancestors 'none'/);
      assert.match(res.headers['content-security-policy'] as string, /default-src 'none'/);
      assert.equal(res.headers['x-frame-options'], 'DENY');
      assert.equal(res.headers['referrer-policy'], 'no-referrer');
      assert.doesNotMatch(res.body, /(src|href)="(https?:)?\/\//, 'the page loads something from elsewhere');
    }
    const consent = await browser.signIn(signIn, staff.email, staff.password);
    assert.equal(consent.statusCode, 200, consent.body);
    assert.match(consent.body, /See your stores, their markets and settings/);
    assert.match(consent.body, />Approve</);
    assert.match(consent.body, />Deny</);
    assert.equal(consent.headers['x-frame-options'], 'DENY');
    const session = [...browser.cookies.keys()];
    assert.ok(session.includes('cs_staff'));

    const approved = await browser.decide(consent, 'approve');
    assert.equal(approved.statusCode, 303);
    const location = new URL(approved.headers.location as string);
    assert.equal(`${location.origin}${location.pathname}`, redirectUri);
    assert.equal(location.searchParams.get('state'), 'st-123');
    assert.equal(location.searchParams.get('iss'), ISSUER);
    const code = location.searchParams.get('code')!;
    assert.match(code, /^[A-Za-z0-9_-]{43}$/);

    const tokens = await w.token({
      grant_type: 'authorization_code',
      client_id: webapp.clientId,
      client_secret: webapp.secret,
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
    });
    assert.equal(tokens.statusCode, 200, tokens.body);
    const body = tokens.json();
    assert.equal(body.owner_type, 'user');
    assert.equal(body.owner_id, staff.id);
    assert.ok(body.refresh_token);
    assert.equal(body.scope, 'stores.view');
    const claims = await w.claims(body.access_token);
    assert.equal(claims.aud, 'backoffice');
    assert.deepEqual(claims.store, { id: w.store.id, slug: 'shop' });
    assert.equal(
      (await w.refresh(body.refresh_token, {}, webapp.clientId)).statusCode,
      401,
      'a confidential client refreshes with its secret',
    );
    const refreshed = await w.token({
      grant_type: 'refresh_token',
      client_id: webapp.clientId,
      client_secret: webapp.secret,
      refresh_token: body.refresh_token,
    });
    assert.equal(refreshed.statusCode, 200);
  });

  test('Deny redirects with access_denied, state and iss', async () => {
    const browser = new PageSession(t.app);
    const consent = await browser.signIn(
      await browser.get(authorizePath('/oauth/authorize', { client_id: webapp.clientId, state: 'deny-me' })),
      staff.email,
      staff.password,
    );
    const denied = await browser.decide(consent, 'deny');
    assert.equal(denied.statusCode, 303);
    const location = new URL(denied.headers.location as string);
    assert.equal(location.searchParams.get('error'), 'access_denied');
    assert.equal(location.searchParams.get('state'), 'deny-me');
    assert.equal(location.searchParams.get('iss'), ISSUER);
    assert.equal(location.searchParams.get('code'), null);
  });

  test('a member gets only the *.view scopes of the webapp', async () => {
    const browser = new PageSession(t.app);
    const consent = await browser.signIn(
      await browser.get(authorizePath('/oauth/authorize', { client_id: webapp.clientId })),
      member.email,
      member.password,
    );
    assert.match(consent.body, /See your stores/);
    assert.doesNotMatch(consent.body, /Change your stores/);
  });

  test('a member asking for a scope their role does not hold is refused with invalid_scope, not silently narrowed (RFC 6749 §3.3)', async () => {
    const browser = new PageSession(t.app);
    const signedIn = await browser.signIn(
      await browser.get(
        authorizePath('/oauth/authorize', {
          client_id: webapp.clientId,
          redirect_uri: redirectUri,
          scope: 'stores.view stores.update',
          state: 'narrow',
        }),
      ),
      member.email,
      member.password,
    );
    assert.equal(signedIn.statusCode, 303, signedIn.body);
    const location = new URL(signedIn.headers.location as string);
    assert.equal(location.searchParams.get('error'), 'invalid_scope');
    assert.equal(location.searchParams.get('state'), 'narrow');
    assert.equal(location.searchParams.get('iss'), ISSUER);
    assert.equal(location.searchParams.get('code'), null);
  });

  test('the session and CSRF cookies are signed, HttpOnly and SameSite=Lax (Secure in production)', async () => {
    const browser = new PageSession(t.app);
    const page = await browser.get(authorizePath('/oauth/authorize', { client_id: webapp.clientId }));
    const posted = await browser.post('/oauth/signin', {
      ...PageSession.hiddenFields(page.body),
      email: staff.email,
      password: staff.password,
    });
    const cookies = [page.headers['set-cookie'], posted.headers['set-cookie']].flat().filter((c): c is string => typeof c === 'string');
    for (const name of ['cs_csrf', 'cs_staff']) {
      const cookie = cookies.find((c) => c.startsWith(`${name}=`));
      assert.ok(cookie, `${name} was not set`);
      assert.match(cookie!, /; HttpOnly/i);
      assert.match(cookie!, /; SameSite=Lax/i);
      assert.doesNotMatch(cookie!, /; Secure/i, 'plain http in tests');
      assert.match(cookie!.split(';')[0]!, /\.[A-Za-z0-9+/=_%-]{20,}$/, `${name} is not signed`);
    }
    // A tampered session cookie is no session.
    browser.cookies.set('cs_staff', `${browser.cookies.get('cs_staff')!.slice(0, -3)}abc`);
    const again = await browser.get(authorizePath('/oauth/authorize', { client_id: webapp.clientId }));
    assert.match(again.body, /name="audience"/, 'a tampered session must show the sign-in page');
  });

  test('a wrong password brings the sign-in page back with an error (303, then the page)', async () => {
    const browser = new PageSession(t.app);
    const page = await browser.get(authorizePath('/oauth/authorize', { client_id: webapp.clientId }));
    const posted = await browser.post('/oauth/signin', { ...PageSession.hiddenFields(page.body), email: staff.email, password: 'wrong' });
    assert.equal(posted.statusCode, 303);
    const again = await browser.get(posted.headers.location as string);
    assert.match(again.body, /The email or password is wrong/);
    assert.ok(!browser.cookies.has('cs_staff'));
  });

  test('a form without its CSRF token is refused', async () => {
    const browser = new PageSession(t.app);
    const page = await browser.get(authorizePath('/oauth/authorize', { client_id: webapp.clientId }));
    const { _csrf, ...fields } = PageSession.hiddenFields(page.body);
    assert.ok(_csrf);
    const posted = await browser.post('/oauth/signin', { ...fields, email: staff.email, password: staff.password });
    assert.equal(posted.statusCode, 403);
    assert.ok(!browser.cookies.has('cs_staff'));
    const forged = await browser.post('/oauth/signin', { ...fields, _csrf: 'forged', email: staff.email, password: staff.password });
    assert.equal(forged.statusCode, 403);
  });

  describe('validation before sign-in (RFC 6749 §4.1.2.1, RFC 9700 §4.1)', () => {
    const get = (params: Record<string, string | undefined>, path = '/oauth/authorize') =>
      t.app.inject({ method: 'GET', url: authorizePath(path, params) });

    test('an unknown client is a 400 page and never a redirect', async () => {
      const res = await get({ client_id: 'nobody', redirect_uri: redirectUri });
      assert.equal(res.statusCode, 400);
      assert.equal(res.headers.location, undefined);
      assert.match(res.headers['content-type'] as string, /text\/html/);
    });

    test('redirect_uri variants are refused without a redirect', async () => {
      for (const variant of [
        `${redirectUri}/`,
        'https://BACKOFFICE.example/callback',
        'https://backoffice.example/Callback',
        `${redirectUri}?extra=1`,
        `${redirectUri}#fragment`,
        'http://backoffice.example/callback',
        'https://backoffice.example:8443/callback',
        'https://evil.example/callback',
      ]) {
        const res = await get({ client_id: webapp.clientId, redirect_uri: variant, state: 's' });
        assert.equal(res.statusCode, 400, variant);
        assert.equal(res.headers.location, undefined, variant);
      }
    });

    test('for a loopback redirect URI the port may differ, nothing else', async () => {
      const native = await f.credential(w.store.id, 'test', 'webapp', { redirectUris: ['http://127.0.0.1:8080/cb'] });
      assert.equal((await get({ client_id: native.clientId, redirect_uri: 'http://127.0.0.1:51234/cb' })).statusCode, 200);
      assert.equal((await get({ client_id: native.clientId, redirect_uri: 'http://127.0.0.1:51234/other' })).statusCode, 400);
      assert.equal((await get({ client_id: native.clientId, redirect_uri: 'http://localhost:51234/cb' })).statusCode, 400);
    });

    test("a client on the wrong side's path is refused with a page", async () => {
      assert.equal((await get({ client_id: webapp.clientId }, '/oauth2-token/authorize')).statusCode, 400);
      assert.equal(
        (await get({ client_id: w.salesChannel.clientId, redirect_uri: 'https://shop.example/cb' }, '/admin/oauth2-token/authorize'))
          .statusCode,
        400,
      );
      assert.equal((await get({ client_id: webapp.clientId }, '/admin/oauth2-token/authorize')).statusCode, 200);
    });

    test('after the redirect URI checks, problems redirect back with error, state and iss', async () => {
      const cases: [Record<string, string>, string][] = [
        [{ response_type: 'token' }, 'unsupported_response_type'],
        [{ scope: 'stores.nonsense' }, 'invalid_scope'],
        [{ scope: 'stores.orders.refund' }, 'invalid_scope'],
        [{ code_challenge: pkce().challenge, code_challenge_method: 'plain' }, 'invalid_request'],
        [{ code_challenge: 'too-short', code_challenge_method: 'S256' }, 'invalid_request'],
        [{ code_challenge_method: 'S256' }, 'invalid_request'],
      ];
      for (const [extra, error] of cases) {
        const res = await get({ client_id: webapp.clientId, redirect_uri: redirectUri, state: 'abc', ...extra });
        assert.equal(res.statusCode, 303, JSON.stringify(extra));
        const location = new URL(res.headers.location as string);
        assert.equal(location.searchParams.get('error'), error, JSON.stringify(extra));
        assert.equal(location.searchParams.get('state'), 'abc');
        assert.equal(location.searchParams.get('iss'), ISSUER);
      }
    });

    test('a public client must send PKCE', async () => {
      const res = await get({
        client_id: w.salesChannel.clientId,
        redirect_uri: 'https://shop.example/cb',
        scope: 'market:code:europe',
        state: 'p',
      });
      // The sales channel has no redirect URI registered: a page, not a redirect.
      assert.equal(res.statusCode, 400);
      const channel = await f.credential(w.store.id, 'test', 'sales_channel', { redirectUris: ['https://shop.example/cb'] });
      const noPkce = await get({
        client_id: channel.clientId,
        redirect_uri: 'https://shop.example/cb',
        scope: 'market:code:europe',
        state: 'p',
      });
      assert.equal(new URL(noPkce.headers.location as string).searchParams.get('error'), 'invalid_request');
    });
  });
});

describe('in production', () => {
  test('an http redirect URI registered before the switch to production is refused when used: a 400 page, never a redirect', async () => {
    const t = await startTestApp({ env: { COUNTERSIGN_ENV: 'production', COUNTERSIGN_ISSUER: 'https://auth.example' } });
    try {
      const f = new Fixtures(t.deps.storage.db, t.deps.secretHasher, t.deps.changes);
      const store = await f.store();
      // Stored straight into the database, as it was accepted in development.
      const webapp = await f.credential(store.id, 'test', 'webapp', { redirectUris: ['http://backoffice.example/cb'] });
      const page = await t.app.inject({
        method: 'GET',
        url: authorizePath('/oauth/authorize', { client_id: webapp.clientId, state: 's' }),
      });
      assert.equal(page.statusCode, 400);
      assert.equal(page.headers.location, undefined);
      assert.match(String(page.headers['content-type']), /^text\/html/);
      // Loopback http stays allowed (RFC 8252 §7.3).
      const native = await f.credential(store.id, 'test', 'webapp', { redirectUris: ['http://127.0.0.1:8080/cb'] });
      assert.equal(
        (await t.app.inject({ method: 'GET', url: authorizePath('/oauth/authorize', { client_id: native.clientId }) })).statusCode,
        200,
      );
    } finally {
      await t.close();
    }
  });

  test('page cookies are Secure', async () => {
    const t = await startTestApp({ env: { COUNTERSIGN_ENV: 'production', COUNTERSIGN_ISSUER: 'https://auth.example' } });
    try {
      const f = new Fixtures(t.deps.storage.db, t.deps.secretHasher, t.deps.changes);
      const store = await f.store();
      const webapp = await f.credential(store.id, 'test', 'webapp', { redirectUris: ['https://backoffice.example/cb'] });
      const page = await t.app.inject({ method: 'GET', url: authorizePath('/oauth/authorize', { client_id: webapp.clientId }) });
      assert.equal(page.statusCode, 200);
      const csrf = [page.headers['set-cookie']].flat().find((c) => typeof c === 'string' && c.startsWith('cs_csrf='));
      assert.match(csrf as string, /; Secure/i);
    } finally {
      await t.close();
    }
  });
});
