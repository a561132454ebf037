import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { passwordHasher } from '../src/core/secrets/password-hasher';
import { PageSession } from './support/page-session';
import { redisReachable, TEST_REDIS_URL } from './support/redis-reachable';
import { shopWorld } from './support/shop-world';
import { startTestApp, type TestApp } from './support/test-app';
import { TEST_ADMIN_TOKEN } from './support/test-config';
import { postgresReachable } from './support/test-storage';

const query = (params: Record<string, string>) => new URLSearchParams(params).toString();
const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

/** Counts every password hash verification (scrypt) while `work` runs. */
async function countPasswordChecks(work: () => Promise<unknown>): Promise<number> {
  const original = passwordHasher.verify;
  let calls = 0;
  passwordHasher.verify = async (password, stored) => {
    calls++;
    return original(password, stored);
  };
  try {
    await work();
  } finally {
    passwordHasher.verify = original;
  }
  return calls;
}

/** SPEC §3: one sign-in for the forms and the password grant, with the decoy hash and the throttle in one place. */
describe('sign-in: an unknown email costs what a wrong password costs', () => {
  let t: TestApp;
  let w: Awaited<ReturnType<typeof shopWorld>>;
  before(async () => {
    t = await startTestApp();
    w = await shopWorld(t);
  });
  after(() => t.close());

  const passwordGrant = (username: string, password: string) =>
    w.token({ grant_type: 'password', client_id: w.salesChannel.clientId, username, password, scope: 'market:code:europe' });

  test('the password grant hashes a decoy for an unknown email, once, as for a wrong password; both answer alike', async () => {
    let unknown: Awaited<ReturnType<typeof passwordGrant>> | undefined;
    let wrong: Awaited<ReturnType<typeof passwordGrant>> | undefined;
    const forUnknown = await countPasswordChecks(async () => {
      unknown = await passwordGrant('nobody@shop.invalid', 'some password');
    });
    const forWrong = await countPasswordChecks(async () => {
      wrong = await passwordGrant(w.shopper.email, 'some password');
    });
    assert.equal(forUnknown, 1, 'an unknown email must cost a full password hash');
    assert.equal(forWrong, 1);
    assert.equal(unknown?.statusCode, 400);
    assert.deepEqual(unknown?.json(), wrong?.json());
  });

  test('the sign-in forms hash a decoy for an unknown email too', async () => {
    const staffClient = await w.f.credential(w.store.id, 'test', 'webapp', { redirectUris: ['https://bo.example/cb'] });
    const browser = new PageSession(t.app);
    const page = await browser.get(`/oauth/authorize?${query({ client_id: staffClient.clientId })}`);
    const calls = await countPasswordChecks(async () => {
      const posted = await browser.post('/oauth/signin', {
        ...PageSession.hiddenFields(page.body),
        email: 'ghost@shop.invalid',
        password: 'x',
      });
      assert.equal(posted.statusCode, 303);
    });
    assert.equal(calls, 1);
  });
});

/**
 * SPEC §3: an attempt is counted before its password is checked, so concurrent guesses cannot
 * overshoot; failures per account across all addresses are slowed too. Real concurrency, on
 * PostgreSQL and Redis (the counts an operator with several instances has).
 */
describe('sign-in throttling under concurrency, on PostgreSQL and Redis', async () => {
  const ready = (await postgresReachable()) && (await redisReachable());
  let t: TestApp;
  let webappId: string;
  let storeId: string;

  before(async () => {
    if (!ready) return;
    t = await startTestApp({ dialect: 'postgres', env: { REDIS_URL: TEST_REDIS_URL, COUNTERSIGN_FAILED_ATTEMPT_LIMIT: '10' } });
    const w = await shopWorld(t);
    storeId = w.store.id;
    webappId = (await w.f.credential(w.store.id, 'test', 'webapp', { redirectUris: ['https://bo.example/cb'] })).clientId;
  });
  after(async () => {
    if (ready) await t.close();
  });

  /** The sign-in form's fields and cookies, ready to be posted many times at once. */
  async function signInForm() {
    const browser = new PageSession(t.app);
    const page = await browser.get(`/oauth/authorize?${query({ client_id: webappId })}`);
    assert.equal(page.statusCode, 200, page.body);
    const cookie = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    return (email: string, password: string, remoteAddress: string) =>
      t.app.inject({
        method: 'POST',
        url: '/oauth/signin',
        remoteAddress,
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: query({ ...PageSession.hiddenFields(page.body), email, password }),
      });
  }
  const flashOf = (res: { headers: Record<string, unknown> }) => /cs_flash=(failed|throttled)/.exec(String(res.headers['set-cookie']))?.[1];

  test('thirty wrong passwords sent at once: ten are checked, twenty refused before any hashing', { skip: !ready }, async () => {
    const staff = await t.app.inject({
      method: 'POST',
      url: '/provisioning/v1/users',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      payload: { email: `${unique('target')}@example.com`, password: 'correct horse battery', name: 'Target' },
    });
    const post = await signInForm();
    const address = `10.${randomBytes(1)[0]}.${randomBytes(1)[0]}.7`;
    let answers: Awaited<ReturnType<typeof post>>[] = [];
    const hashed = await countPasswordChecks(async () => {
      answers = await Promise.all(Array.from({ length: 30 }, () => post(staff.json().email, 'wrong guess', address)));
    });
    const flashes = answers.map(flashOf);
    assert.equal(flashes.filter((f) => f === 'failed').length, 10, 'exactly the limit is evaluated');
    assert.equal(flashes.filter((f) => f === 'throttled').length, 20);
    assert.equal(hashed, 10, 'a refused attempt costs no password hash');
  });

  test('fifty guesses at one account from five addresses: only the per-account limit is evaluated', { skip: !ready }, async () => {
    const email = `${unique('spread')}@example.com`;
    await t.app.inject({
      method: 'POST',
      url: '/provisioning/v1/users',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      payload: { email, password: 'correct horse battery', name: 'Spread' },
    });
    const post = await signInForm();
    const prefix = `10.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;
    const answers = [];
    for (let i = 0; i < 50; i++) answers.push(await post(email, `guess ${i}`, `${prefix}.${1 + (i % 5)}`));
    assert.equal(answers.map(flashOf).filter((f) => f === 'failed').length, 10);
    // A slow-down, not a lock: once the minute has passed, the person signs in.
    t.clock.advance(61);
    const ok = await post(email, 'correct horse battery', `${prefix}.99`);
    assert.equal(ok.statusCode, 303);
    assert.equal(flashOf(ok), undefined);
    assert.match(String(ok.headers['set-cookie']), /cs_staff=/);
    assert.ok(storeId);
  });
});

/** SPEC §3: sessions end at sign-out (POST, CSRF-protected) and when the person's password changes or they are deleted. */
describe('sign-in sessions end', () => {
  let t: TestApp;
  let webappId: string;
  let storeId: string;
  const redirectUri = 'https://bo.example/cb';
  const authorizeUrl = () => `/oauth/authorize?${query({ client_id: webappId, redirect_uri: redirectUri, state: 'x' })}`;

  before(async () => {
    t = await startTestApp();
    const w = await shopWorld(t);
    storeId = w.store.id;
    webappId = (await w.f.credential(w.store.id, 'test', 'webapp', { scopes: ['stores.view'], redirectUris: [redirectUri] })).clientId;
  });
  after(() => t.close());

  async function signedInStaff() {
    const email = `${unique('staff')}@example.com`;
    const user = await t.app.inject({
      method: 'POST',
      url: '/provisioning/v1/users',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      payload: { email, password: 'correct horse battery', name: 'Staff' },
    });
    await t.app.inject({
      method: 'POST',
      url: `/provisioning/v1/stores/${storeId}/memberships`,
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      payload: { user_id: user.json().id, role: 'admin' },
    });
    const browser = new PageSession(t.app);
    const consent = await browser.signIn(await browser.get(authorizeUrl()), email, 'correct horse battery');
    assert.match(consent.body, /Approve/);
    return { browser, consent, userId: user.json().id as string };
  }
  const isSignInPage = (body: string) => /name="password"/.test(body);

  test('the consent page offers “Not you?”: a sign-out form with its CSRF token', async () => {
    const { consent } = await signedInStaff();
    assert.match(consent.body, /Not you\?/);
    assert.match(consent.body, /<form method="post" action="\/oauth\/signout"/);
  });

  test('sign-out ends the session server side: even a copy of the old cookie signs nobody in', async () => {
    const { browser, consent } = await signedInStaff();
    const copied = new Map(browser.cookies);
    const fields = PageSession.hiddenFields(consent.body);
    const out = await browser.post('/oauth/signout', { _csrf: fields._csrf as string, session: 'staff', return_to: authorizeUrl() });
    assert.equal(out.statusCode, 303);
    assert.equal(out.headers.location, authorizeUrl());
    assert.ok(isSignInPage((await browser.get(authorizeUrl())).body), 'signed out');

    const thief = new PageSession(t.app);
    for (const [k, v] of copied) thief.cookies.set(k, v);
    assert.ok(isSignInPage((await thief.get(authorizeUrl())).body), 'the old cookie must not work any more');
  });

  test('sign-out without its CSRF token is refused and the session goes on', async () => {
    const { browser } = await signedInStaff();
    const out = await browser.post('/oauth/signout', { session: 'staff', return_to: authorizeUrl() });
    assert.equal(out.statusCode, 403);
    assert.match((await browser.get(authorizeUrl())).body, /Approve/);
  });

  test('sign-out never redirects elsewhere: a foreign return_to goes to the start page', async () => {
    const { browser, consent } = await signedInStaff();
    const fields = PageSession.hiddenFields(consent.body);
    const out = await browser.post('/oauth/signout', {
      _csrf: fields._csrf as string,
      session: 'staff',
      return_to: 'https://evil.example/',
    });
    assert.equal(out.statusCode, 303);
    assert.equal(out.headers.location, '/');
  });

  test('a password change ends the person’s sessions', async () => {
    const { browser, userId } = await signedInStaff();
    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/provisioning/v1/users/${userId}`,
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      payload: { password: 'a brand new password' },
    });
    assert.equal(patched.statusCode, 200);
    assert.ok(isSignInPage((await browser.get(authorizeUrl())).body));
  });

  test('deleting the person ends their sessions', async () => {
    const { browser, userId } = await signedInStaff();
    const deleted = await t.app.inject({
      method: 'DELETE',
      url: `/provisioning/v1/users/${userId}`,
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    });
    assert.equal(deleted.statusCode, 204);
    assert.ok(isSignInPage((await browser.get(authorizeUrl())).body));
  });
});
