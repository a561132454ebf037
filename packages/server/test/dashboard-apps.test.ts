import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { csrfOf, type DashboardSession, dashboardWorld, fieldProblems } from './support/dashboard-world';
import { startTestApp, type TestApp } from './support/test-app';

const REGISTER = {
  name: 'Stock Sync',
  description: 'Keeps stock in sync',
  homepage: 'https://stock-sync.example',
  confidential: 'confidential',
};

/** The secret a page shows once, if any. */
const secretOn = (body: string) => /id="client-secret"[^>]*>([A-Za-z0-9]{72})</.exec(body)?.[1];

/**
 * SPEC §7 apps: a developer registers an app (the client id and 72-character secret shown once),
 * edits it, rotates its secret (with SPEC §5's overlap, or at once when it leaked) and deletes it
 * (which revokes everything issued to it); the validation a person understands; other people's apps
 * do not exist for them.
 */
describe('a developer’s apps in the dashboard (SPEC §7)', () => {
  let t: TestApp;
  let w: Awaited<ReturnType<typeof dashboardWorld>>;
  let dev: DashboardSession;

  before(async () => {
    t = await startTestApp();
    w = await dashboardWorld(t);
    dev = await w.signedIn(w.developer);
  });
  after(() => t.close());

  const register = (fields: Record<string, string>) => dev.submit('/dashboard/apps/new', '/dashboard/apps', fields);
  /** Whether `secret` authenticates the app (introspection answers 200 to a confidential client it knows). */
  const authenticates = async (clientId: string, secret: string) =>
    (await w.form('/oauth/introspect', { client_id: clientId, client_secret: secret, token: 'whatever' })).statusCode === 200;

  test('registering shows the client id and the 72-character secret once; the app is the developer’s, audited as them', async () => {
    const res = await register({
      ...REGISTER,
      'scopes_stores.view': 'on',
      redirect_uris: 'https://stock-sync.example/cb\nhttp://127.0.0.1:8080/cb',
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(res.body, /<h1>Stock Sync is registered<\/h1>/);
    assert.match(res.body, /it is shown only this once/);
    const secret = secretOn(res.body);
    assert.ok(secret);
    assert.match(res.body, /data-copy="client-secret"/, 'a Copy button');
    assert.match(res.body, /<script src="\/assets\/copy-button\.js\?v=[0-9a-f]+" nonce=/, 'its script, by nonce');
    const app = (await w.rows('apps')).find((a) => a.name === 'Stock Sync');
    assert.ok(app);
    assert.equal(app.owner_user_id, w.developer.id);
    assert.deepEqual(JSON.parse(app.scopes), ['stores.view']);
    assert.deepEqual(JSON.parse(app.redirect_uris), ['https://stock-sync.example/cb', 'http://127.0.0.1:8080/cb']);
    assert.equal(app.confidential, 1);
    assert.ok(await authenticates(app.client_id, secret));
    assert.match(
      (await dev.get(`/dashboard/apps/${app.id}`)).body,
      new RegExp(`<code>${app.client_id}</code>`),
      'the client id stays shown',
    );
    for (const url of ['/dashboard/apps', `/dashboard/apps/${app.id}`, `/dashboard/apps/${app.id}/edit`]) {
      const page = await dev.get(url);
      assert.equal(page.statusCode, 200, url);
      assert.doesNotMatch(page.body, new RegExp(secret), `${url} never shows the secret again`);
    }
    const audit = (await w.rows('audit_entries')).find((e) => e.target_id === app.id);
    assert.deepEqual([audit?.action, audit?.actor, audit?.store_id], ['app.create', `user:${w.developer.id}`, null]);
    assert.doesNotMatch(JSON.stringify(audit), new RegExp(secret), 'the audit log never holds the secret');
  });

  test('a public app gets no secret, and has none to rotate', async () => {
    const res = await register({ ...REGISTER, name: 'Pocket', confidential: 'public', redirect_uris: 'https://pocket.example/cb' });
    assert.equal(res.statusCode, 200);
    assert.equal(secretOn(res.body), undefined);
    assert.match(res.body, /This client is public: it has no secret/);
    const app = (await w.rows('apps')).find((a) => a.name === 'Pocket');
    assert.equal(app?.confidential, 0);
    assert.match((await dev.get(`/dashboard/apps/${app?.id}`)).body, /A public app has no secret to rotate/);
    const rotated = await dev.post(`/dashboard/apps/${app?.id}/rotate`, { _csrf: csrfOf(await dev.get('/dashboard/apps')) });
    assert.equal(rotated.statusCode, 409);
  });

  test('validation a person understands, beside each field, with what was typed kept: empty name, unknown scope, more than 10 URLs', async () => {
    const urls = Array.from({ length: 11 }, (_, i) => `https://stock-sync.example/cb${i}`).join('\n');
    const before = await w.rows('apps');
    const res = await register({
      name: '',
      description: 'Still here',
      homepage: 'stock-sync.example',
      'scopes_stores.teleport': 'on',
      redirect_uris: urls,
    });
    assert.equal(res.statusCode, 422);
    const problems = fieldProblems(res);
    assert.equal(problems.name, 'Must not be empty.');
    assert.equal(problems.homepage, 'Must be an absolute http(s) URL.');
    assert.equal(problems.scopes, '“stores.teleport”: is not a permission scope of the catalog.');
    assert.equal(problems.redirect_uris, 'Must hold at most 10 redirect URIs.');
    assert.match(
      res.body,
      /id="f-name"[^>]*aria-describedby="f-name-hint f-name-error" aria-invalid="true"/,
      'tied to the field for screen readers',
    );
    assert.match(res.body, /<textarea id="f-description"[^>]*>Still here<\/textarea>/);
    assert.match(res.body, /value="stock-sync.example"/);
    assert.match(res.body, /https:\/\/stock-sync.example\/cb10<\/textarea>/);
    assert.match(res.body, /role="alert"><strong>There is a problem<\/strong>/);
    assert.deepEqual(await w.rows('apps'), before, 'nothing was written');

    const none = await register({ ...REGISTER, redirect_uris: '' });
    assert.equal(fieldProblems(none).redirect_uris, 'Must hold at least 1 redirect URI.');
  });

  test('in production a non-https redirect URL is refused beside its field (loopback http stays allowed)', async () => {
    const prod = await startTestApp({ env: { COUNTERSIGN_ENV: 'production', COUNTERSIGN_ISSUER: 'https://auth.example' } });
    try {
      const pw = await dashboardWorld(prod);
      const person = await pw.signedIn(pw.developer);
      const res = await person.submit('/dashboard/apps/new', '/dashboard/apps', {
        ...REGISTER,
        redirect_uris: 'http://stock-sync.example/cb\nhttp://127.0.0.1:9000/cb',
      });
      assert.equal(res.statusCode, 422);
      assert.equal(
        fieldProblems(res).redirect_uris,
        '“http://stock-sync.example/cb”: must use https (http only on 127.0.0.1, [::1] or localhost).',
      );
    } finally {
      await prod.close();
    }
  });

  test('editing changes the app and keeps its owner; problems are shown beside the fields', async () => {
    const app = await w.f.app(w.developer.id);
    const edited = await dev.submit(`/dashboard/apps/${app.id}/edit`, `/dashboard/apps/${app.id}/edit`, {
      name: 'Renamed',
      description: 'New words',
      homepage: 'https://renamed.example',
      'scopes_stores.orders.view': 'on',
      redirect_uris: 'https://renamed.example/cb',
      owner_user_id: w.outsider.id,
    });
    assert.equal(edited.statusCode, 303);
    assert.match((await dev.get(edited.headers.location as string)).body, /Your changes are saved/);
    const row = (await w.rows('apps')).find((a) => a.id === app.id);
    assert.deepEqual(
      [row?.name, row?.description, row?.owner_user_id, row?.scopes],
      ['Renamed', 'New words', w.developer.id, '["stores.orders.view"]'],
    );
    const bad = await dev.submit(`/dashboard/apps/${app.id}/edit`, `/dashboard/apps/${app.id}/edit`, {
      name: 'Renamed',
      homepage: 'https://renamed.example',
      redirect_uris: 'https://a.example/#frag',
    });
    assert.equal(bad.statusCode, 422);
    assert.equal(fieldProblems(bad).redirect_uris, '“https://a.example/#frag”: must not have a fragment (RFC 6749 §3.1.2).');
  });

  test('rotating keeps the old secret working for the overlap; a leaked one stops at once and its grants die', async () => {
    const app = await w.f.app(w.developer.id);
    const rotated = await dev.submit(`/dashboard/apps/${app.id}`, `/dashboard/apps/${app.id}/rotate`);
    assert.equal(rotated.statusCode, 200);
    const second = secretOn(rotated.body);
    assert.ok(second);
    assert.match(rotated.body, /The previous secret keeps working until <time datetime="2026-11-23T12:00:00.000Z">/);
    assert.ok(await authenticates(app.clientId, app.secret!), 'the old secret, during the overlap');
    assert.ok(await authenticates(app.clientId, second));

    const apiKey = await w.connect(w.owner, { clientId: app.clientId, secret: second }, [w.store.id]);
    const leaked = await dev.submit(`/dashboard/apps/${app.id}`, `/dashboard/apps/${app.id}/rotate`, { compromised: 'on' });
    assert.match(leaked.body, /The previous secret stopped working now/);
    const third = secretOn(leaked.body);
    assert.ok(third);
    assert.equal(await authenticates(app.clientId, second), false);
    assert.equal(await authenticates(app.clientId, app.secret!), false);
    assert.ok(await authenticates(app.clientId, third));
    const read = await t.app.inject({
      method: 'GET',
      url: `/admin/api/stores/${w.store.id}`,
      headers: { authorization: `Bearer ${apiKey}` },
    });
    assert.equal(read.statusCode, 401, 'its API keys died with the leaked secret');
  });

  test('deleting asks first, then revokes everything issued to the app', async () => {
    const app = await w.f.app(w.developer.id);
    const apiKey = await w.connect(w.owner, app, [w.store.id]);
    const confirm = await dev.get(`/dashboard/apps/${app.id}/delete`);
    assert.match(confirm.body, /its API keys, access tokens and refresh tokens stop working at once/);
    const res = await dev.post(`/dashboard/apps/${app.id}/delete`, { _csrf: csrfOf(confirm) });
    assert.equal(res.statusCode, 303);
    assert.match((await dev.get('/dashboard/apps')).body, /is deleted, and everything issued to it is revoked/);
    assert.equal(
      (await w.rows('apps')).find((a) => a.id === app.id),
      undefined,
    );
    const read = await t.app.inject({
      method: 'GET',
      url: `/admin/api/stores/${w.store.id}`,
      headers: { authorization: `Bearer ${apiKey}` },
    });
    assert.equal(read.statusCode, 401);
  });

  test('another person’s app does not exist for them: 404 to every page and form, and nothing changes', async () => {
    const app = await w.f.app(w.developer.id);
    const other = await w.signedIn(w.outsider);
    assert.doesNotMatch((await other.get('/dashboard/apps')).body, new RegExp(app.clientId));
    for (const url of [`/dashboard/apps/${app.id}`, `/dashboard/apps/${app.id}/edit`, `/dashboard/apps/${app.id}/delete`]) {
      assert.equal((await other.get(url)).statusCode, 404, url);
    }
    const token = csrfOf(await other.get('/dashboard/apps'));
    const before = await w.rows('apps');
    for (const action of [`/dashboard/apps/${app.id}/edit`, `/dashboard/apps/${app.id}/rotate`, `/dashboard/apps/${app.id}/delete`]) {
      const res = await other.post(action, {
        _csrf: token,
        name: 'Mine',
        homepage: 'https://m.example',
        redirect_uris: 'https://m.example/cb',
      });
      assert.equal(res.statusCode, 404, action);
    }
    assert.deepEqual(await w.rows('apps'), before);
  });

  test('an app is registered for the person signed in, whatever the form says', async () => {
    const res = await register({ ...REGISTER, name: 'Not for Eve', owner_user_id: w.outsider.id, redirect_uris: 'https://x.example/cb' });
    assert.equal(res.statusCode, 200);
    assert.equal((await w.rows('apps')).find((a) => a.name === 'Not for Eve')?.owner_user_id, w.developer.id);
    await assert.rejects(
      t.deps.provisioning.create({ kind: 'user', userId: w.developer.id }, 'apps', undefined, {
        owner_user_id: w.outsider.id,
        name: 'Planted',
        homepage: 'https://x.example',
        redirect_uris: ['https://x.example/cb'],
      }),
      (error: Error) => error.name === 'NotAllowedError',
      'the core refuses an app made for someone else',
    );
  });
});
