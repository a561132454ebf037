import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { csrfOf, type DashboardSession, dashboardWorld } from './support/dashboard-world';
import { PageSession } from './support/page-session';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * SPEC §7: every page sends the security headers and loads nothing from elsewhere; every form carries
 * a CSRF token, and a form posted without it, or by a signed-out visitor, is refused and changes
 * nothing; sessions are server side and end at sign-out; sign-in keeps the failed-attempt limits.
 */
describe('the dashboard’s security rules (SPEC §7)', () => {
  let t: TestApp;
  let w: Awaited<ReturnType<typeof dashboardWorld>>;
  let owner: DashboardSession;
  let app: { id: string; clientId: string; secret?: string | undefined };
  let credential: { id: string; clientId: string };

  before(async () => {
    t = await startTestApp({ env: { COUNTERSIGN_FAILED_ATTEMPT_LIMIT: '3' } });
    w = await dashboardWorld(t);
    owner = await w.signedIn(w.owner);
    app = await w.f.app(w.owner.id);
    credential = await w.f.credential(w.store.id, 'live', 'integration');
    await w.connect(w.owner, app, [w.store.id]);
  });
  after(() => t.close());

  /** Every signed-in page of the dashboard, with its records. */
  const signedInPages = () => [
    '/dashboard',
    '/dashboard/apps',
    '/dashboard/apps/new',
    `/dashboard/apps/${app.id}`,
    `/dashboard/apps/${app.id}/edit`,
    `/dashboard/apps/${app.id}/delete`,
    '/dashboard/connected-apps',
    '/dashboard/stores',
    `/dashboard/stores/${w.store.id}/credentials?mode=live`,
    `/dashboard/stores/${w.store.id}/credentials?mode=test`,
    `/dashboard/stores/${w.store.id}/credentials/new?mode=live`,
    `/dashboard/stores/${w.store.id}/credentials/${credential.id}`,
    `/dashboard/stores/${w.store.id}/credentials/${credential.id}/delete`,
    `/dashboard/stores/${w.store.id}/activity`,
    '/dashboard/activity',
  ];
  const publicPages = ['/', '/docs/scopes', '/dashboard/signin', '/dashboard/signup'];

  /** Every form a signed-in person can post, each with a body that would change something. */
  const signedInForms = (): { action: string; fields: Record<string, string> }[] => [
    {
      action: '/dashboard/apps',
      fields: { name: 'Sneaky', homepage: 'https://s.example', redirect_uris: 'https://s.example/cb', confidential: 'confidential' },
    },
    {
      action: `/dashboard/apps/${app.id}/edit`,
      fields: { name: 'Renamed', homepage: 'https://r.example', redirect_uris: 'https://r.example/cb' },
    },
    { action: `/dashboard/apps/${app.id}/rotate`, fields: {} },
    { action: `/dashboard/apps/${app.id}/delete`, fields: {} },
    { action: `/dashboard/connected-apps/${app.clientId}/revoke`, fields: {} },
    { action: `/dashboard/stores/${w.store.id}/credentials`, fields: { mode: 'live', kind: 'integration', name: 'Sneaky' } },
    { action: `/dashboard/stores/${w.store.id}/credentials/${credential.id}/rotate`, fields: {} },
    { action: `/dashboard/stores/${w.store.id}/credentials/${credential.id}/delete`, fields: {} },
  ];

  /** What a refused form must leave as it was. */
  const snapshot = async () => ({
    apps: await w.rows('apps'),
    credentials: await w.rows('credentials'),
    users: await w.rows('users'),
    grants: await w.rows('grants'),
    audit: await w.rows('audit_entries'),
  });

  test('every page sends the SPEC §7 headers: a strict CSP with frame-ancestors none, DENY, no-referrer, no-store, nosniff, no CORS', async () => {
    const anonymous = new PageSession(t.app);
    const pages = [
      ...(await Promise.all(signedInPages().map(async (url) => ({ url, res: await owner.get(url) })))),
      ...(await Promise.all(publicPages.map(async (url) => ({ url, res: await anonymous.get(url) })))),
      { url: 'a record that is not there (404 page)', res: await owner.get('/dashboard/apps/nope') },
      { url: 'a form without its token (403 page)', res: await owner.post(`/dashboard/apps/${app.id}/rotate`, {}) },
    ];
    for (const { url, res } of pages) {
      assert.ok([200, 403, 404].includes(res.statusCode), `${url}: ${res.statusCode}`);
      assert.match(String(res.headers['content-type']), /^text\/html/, url);
      const csp = String(res.headers['content-security-policy']);
      assert.match(csp, /default-src 'none'/, url);
      assert.match(csp, /frame-ancestors 'none'/, url);
      assert.match(csp, /base-uri 'none'/, url);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*|https?:/, `${url}: nothing from elsewhere`);
      assert.equal(res.headers['x-frame-options'], 'DENY', url);
      assert.equal(res.headers['referrer-policy'], 'no-referrer', url);
      assert.equal(res.headers['cache-control'], 'no-store', url);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', url);
      assert.equal(res.headers['access-control-allow-origin'], undefined, `${url}: no CORS (SPEC §3)`);
      // The style sheet (and a script, where there is one) are Countersign's own, loaded by the page's nonce.
      const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
      assert.ok(nonce, url);
      for (const tag of res.body.matchAll(/<(link|script)\b[^>]*>/g)) {
        assert.match(tag[0], new RegExp(`nonce="${nonce.replace(/[+/=]/g, (c) => `\\${c}`)}"`), `${url}: ${tag[0]}`);
        assert.match(tag[0], /(href|src)="\/assets\//, `${url}: ${tag[0]}`);
      }
      assert.doesNotMatch(res.body, /<style|\sstyle="|<script>|\son[a-z]+="/i, `${url}: no inline style or script`);
    }
  });

  test('every form on every page carries a CSRF token', async () => {
    for (const url of signedInPages()) {
      const page = await owner.get(url);
      const forms = [...page.body.matchAll(/<form method="post"[\s\S]*?<\/form>/g)];
      assert.ok(forms.length > 0, `${url} has at least the sign-out form`);
      for (const form of forms)
        assert.match(form[0], /<input type="hidden" name="_csrf" value="[^"]+">/, `${url}: ${form[0].slice(0, 80)}`);
    }
    for (const url of ['/dashboard/signin', '/dashboard/signup']) {
      assert.ok(csrfOf(await new PageSession(t.app).get(url)));
    }
  });

  test('a form posted without its CSRF token is refused (403) and changes nothing', async () => {
    const before = await snapshot();
    const forms: { action: string; fields: Record<string, string> }[] = [
      ...signedInForms(),
      { action: '/dashboard/signout', fields: {} },
      { action: '/dashboard/signup', fields: { name: 'Eve', email: 'eve@example.invalid', password: 'long enough password' } },
      { action: '/dashboard/signin', fields: { email: w.owner.email, password: w.owner.password } },
    ];
    for (const { action, fields } of forms) {
      const res = await owner.post(action, fields);
      assert.equal(res.statusCode, 403, `${action}: ${res.statusCode}`);
      assert.match(res.body, /Form expired/, action);
      const wrong = await owner.post(action, { ...fields, _csrf: 'not-the-token' });
      assert.equal(wrong.statusCode, 403, `${action} with a wrong token`);
    }
    assert.deepEqual(await snapshot(), before);
    assert.equal((await owner.get('/dashboard')).statusCode, 200, 'the session goes on');
  });

  test('a form posted by a signed-out visitor is refused: to the sign-in page, nothing changed', async () => {
    const before = await snapshot();
    const visitor = new PageSession(t.app);
    const token = csrfOf(await visitor.get('/dashboard/signin'));
    for (const { action, fields } of signedInForms()) {
      const res = await visitor.post(action, { ...fields, _csrf: token });
      assert.equal(res.statusCode, 303, action);
      assert.equal(res.headers.location, '/dashboard/signin', action);
    }
    assert.deepEqual(await snapshot(), before);
  });

  test('a signed-out visitor is sent to sign in, and comes back to the page asked for', async () => {
    const visitor = new PageSession(t.app);
    for (const url of signedInPages()) {
      const res = await visitor.get(url);
      assert.equal(res.statusCode, 303, url);
      assert.equal(res.headers.location, `/dashboard/signin?${new URLSearchParams({ next: url })}`, url);
    }
    const signIn = await visitor.get(`/dashboard/signin?next=${encodeURIComponent('/dashboard/stores')}`);
    const res = await visitor.post('/dashboard/signin', {
      ...PageSession.hiddenFields(signIn.body),
      email: w.owner.email,
      password: w.owner.password,
    });
    assert.equal(res.headers.location, '/dashboard/stores');
  });

  test('after sign-in the dashboard never sends anyone elsewhere: a foreign next goes to the overview', async () => {
    for (const next of [
      'https://evil.example/dashboard',
      '//evil.example/dashboard',
      '/dashboard/../oauth/authorize',
      '/elsewhere',
      '/dashboardx',
    ]) {
      const visitor = new PageSession(t.app);
      const page = await visitor.get(`/dashboard/signin?${new URLSearchParams({ next })}`);
      const res = await visitor.post('/dashboard/signin', {
        ...PageSession.hiddenFields(page.body),
        email: w.owner.email,
        password: w.owner.password,
      });
      assert.equal(res.statusCode, 303, next);
      assert.equal(res.headers.location, '/dashboard', `${next} → ${res.headers.location}`);
      assert.doesNotMatch(String(res.headers.location), /evil|oauth/, next);
    }
  });

  test('the session cookie is signed, HttpOnly and SameSite=Lax; sign-out ends it server side, even for a copy of it', async () => {
    const person = await w.signedIn(w.admin);
    const copied = new Map(person.cookies);
    const page = await person.get('/dashboard');
    const out = await person.post('/dashboard/signout', { _csrf: csrfOf(page) });
    assert.equal(out.statusCode, 303);
    assert.equal(out.headers.location, '/dashboard/signin?signed_out=1');
    assert.equal((await person.get('/dashboard')).statusCode, 303, 'signed out');
    const thief = new PageSession(t.app);
    for (const [k, v] of copied) thief.cookies.set(k, v);
    assert.equal((await thief.get('/dashboard')).statusCode, 303, 'the old cookie works no more');

    const visitor = new PageSession(t.app);
    const signIn = await visitor.get('/dashboard/signin');
    const res = await visitor.post('/dashboard/signin', { _csrf: csrfOf(signIn), email: w.admin.email, password: w.admin.password });
    const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('cs_staff='));
    assert.ok(cookie);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    assert.match(cookie, /cs_staff=[^.;]+\.[^;]+;/, 'signed');
  });

  test('a password change or a deletion ends the person’s dashboard sessions', async () => {
    const person = await w.signedIn(w.developer);
    assert.equal((await person.get('/dashboard')).statusCode, 200);
    await w.provisioning('PATCH', `/users/${w.developer.id}`, { password: 'a brand new password' });
    assert.equal((await person.get('/dashboard')).statusCode, 303, 'the password change ended the session');
    const other = await w.signedIn(w.member);
    await w.provisioning('DELETE', `/users/${w.member.id}`);
    assert.equal((await other.get('/dashboard')).statusCode, 303, 'the deletion ended the session');
  });

  test('failed dashboard sign-ins are limited (COUNTERSIGN_FAILED_ATTEMPT_LIMIT=3): then 429 with Retry-After, even for the right password', async () => {
    const visitor = new PageSession(t.app);
    const page = await visitor.get('/dashboard/signin');
    const attempt = (password: string) => visitor.post('/dashboard/signin', { _csrf: csrfOf(page), email: w.outsider.email, password });
    for (let i = 0; i < 3; i++) {
      const res = await attempt('wrong password');
      assert.equal(res.statusCode, 401);
      assert.match(res.body, /The email or password is wrong/);
      assert.match(res.body, new RegExp(`value="${w.outsider.email}"`), 'the email typed is kept');
      assert.doesNotMatch(res.body, /wrong password/, 'the password is never sent back');
    }
    const blocked = await attempt(w.outsider.password);
    assert.equal(blocked.statusCode, 429);
    assert.ok(Number(blocked.headers['retry-after']) >= 1);
    assert.match(blocked.body, /Too many failed attempts/);
    assert.ok(!String(blocked.headers['set-cookie'] ?? '').includes('cs_staff='), 'no session');
  });

  test('the style sheet and the Copy script are served by Countersign, cacheable for good, nosniff', async () => {
    const visitor = new PageSession(t.app);
    for (const [path, type] of [
      ['/assets/countersign.css', /^text\/css/],
      ['/assets/copy-button.js', /^text\/javascript/],
    ] as const) {
      const res = await visitor.get(path);
      assert.equal(res.statusCode, 200, path);
      assert.match(String(res.headers['content-type']), type, path);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', path);
      assert.match(String(res.headers['cache-control']), /immutable/, path);
      assert.doesNotMatch(res.body, /https?:\/\/|@import|url\(/, `${path} loads nothing from elsewhere`);
    }
  });
});
