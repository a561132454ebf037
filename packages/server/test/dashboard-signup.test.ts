import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { csrfOf, DashboardSession, dashboardWorld, fieldProblems } from './support/dashboard-world';
import { PageSession } from './support/page-session';
import { startTestApp, type TestApp } from './support/test-app';

const NEW = { name: 'Dana Developer', email: 'dana@developer.invalid', password: 'a long enough passphrase' };

/** Signs up on the page as a visitor would; returns the visitor and the answer to the post. */
async function signUp(t: TestApp, fields: Record<string, string>) {
  const visitor = new DashboardSession(t.app);
  const page = await visitor.get('/dashboard/signup');
  assert.equal(page.statusCode, 200);
  return { visitor, res: await visitor.post('/dashboard/signup', { _csrf: csrfOf(page), ...fields }) };
}

/**
 * SPEC §7: self-service sign-up for developers, on by default, closed by COUNTERSIGN_SIGNUP=0; the
 * account is made by the provisioning service (validated, hashed, audited), the person is signed in,
 * and an email already taken is counted like a failed sign-in.
 */
describe('dashboard sign-up (SPEC §7, COUNTERSIGN_SIGNUP)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  test('a visitor signs up and is signed in; the account is made by the provisioning service and audited', async () => {
    const { visitor, res } = await signUp(t, NEW);
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/dashboard');
    const overview = await visitor.get('/dashboard');
    assert.equal(overview.statusCode, 200);
    assert.match(overview.body, /Welcome, Dana Developer/);
    const user = await t.deps.storage.db.selectFrom('users').selectAll().where('email', '=', NEW.email).executeTakeFirstOrThrow();
    assert.match(user.password_hash, /^scrypt\$/, 'the password is stored as an scrypt hash');
    const audit = await t.deps.storage.db.selectFrom('audit_entries').selectAll().where('target_id', '=', user.id).execute();
    assert.deepEqual(
      audit.map((e) => [e.action, e.actor]),
      [['user.create', 'signup']],
    );
    assert.doesNotMatch(JSON.stringify(audit), /long enough passphrase/);
    assert.match((await visitor.get('/dashboard/activity')).body, /Account created: Dana Developer/);
    // The session is the staff session of the authorization pages too.
    assert.ok(visitor.cookies.has('cs_staff'));
  });

  test('problems are shown beside their fields, with the name and email kept and the password never sent back', async () => {
    const { res } = await signUp(t, { name: ' ', email: 'not an email', password: 'short' });
    assert.equal(res.statusCode, 422);
    assert.deepEqual(fieldProblems(res), {
      name: 'Must not be empty.',
      email: 'Must be an email address.',
      password: 'Must be at least 8 characters.',
    });
    assert.match(res.body, /id="f-email" name="email" type="email" value="not an email"/);
    assert.match(res.body, /id="f-password" name="password" type="password" value=""/);
    assert.doesNotMatch(res.body, /short"/);
    assert.equal((await t.deps.storage.db.selectFrom('users').select('id').where('email', '=', 'not an email').execute()).length, 0);
  });

  test('an email already taken is shown beside the email (whatever its case), and nothing is made', async () => {
    const { res } = await signUp(t, { ...NEW, email: 'DANA@developer.invalid', name: 'Someone else' });
    assert.equal(res.statusCode, 422);
    assert.equal(fieldProblems(res).email, 'An account with this email already exists: sign in instead.');
    assert.equal((await t.deps.storage.db.selectFrom('users').select('id').where('name', '=', 'Someone else').execute()).length, 0);
  });
});

describe('probing for accounts by signing up is limited like failed sign-ins (SPEC §3)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ env: { COUNTERSIGN_FAILED_ATTEMPT_LIMIT: '2' } });
  });
  after(() => t.close());

  test('two emails already taken, then 429 with Retry-After, before anything is checked', async () => {
    const w = await dashboardWorld(t);
    for (const who of [w.owner, w.admin]) {
      const { res } = await signUp(t, { ...NEW, email: who.email });
      assert.equal(res.statusCode, 422, 'taken');
    }
    const { res } = await signUp(t, { ...NEW, email: w.member.email });
    assert.equal(res.statusCode, 429);
    assert.ok(Number(res.headers['retry-after']) >= 1);
    assert.match(res.body, /Too many attempts from your address/);
    assert.doesNotMatch(res.body, /already exists/, 'a throttled caller learns nothing about the email');
  });
});

describe('COUNTERSIGN_SIGNUP=0 closes sign-up', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ env: { COUNTERSIGN_SIGNUP: '0' } });
  });
  after(() => t.close());

  test('the page says so (403), a post is refused and makes nothing, and sign-in offers no sign-up', async () => {
    const visitor = new PageSession(t.app);
    const page = await visitor.get('/dashboard/signup');
    assert.equal(page.statusCode, 403);
    assert.match(page.body, /Sign-up is closed/);
    assert.doesNotMatch(page.body, /name="password"/);
    const signIn = await visitor.get('/dashboard/signin');
    assert.doesNotMatch(signIn.body, /href="\/dashboard\/signup"/);
    const res = await visitor.post('/dashboard/signup', { _csrf: csrfOf(signIn), ...NEW });
    assert.equal(res.statusCode, 403);
    assert.match(res.body, /Sign-up is closed/);
    assert.equal((await t.deps.storage.db.selectFrom('users').select('id').execute()).length, 0, 'no account was made');
  });

  test('people the operator made still sign in', async () => {
    const w = await dashboardWorld(t);
    const person = await w.signedIn(w.developer);
    assert.equal((await person.get('/dashboard')).statusCode, 200);
  });
});
