import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { permissionCatalog } from '../src/core/scopes/permission-catalog';
import { escapeHtml } from '../src/views/html';
import { dashboardWorld } from './support/dashboard-world';
import { PageSession } from './support/page-session';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * The pages around the dashboard: `/` is a landing page, not raw JSON; `/docs/scopes` is the public
 * scope reference the metadata points to (SPEC §2, §7); and the consent page, finished (SPEC §3):
 * the app's description, homepage and redirect host, the only store ticked, and no dead end when no
 * store was chosen.
 */
describe('the landing page, the scope reference and the consent page', () => {
  let t: TestApp;
  let w: Awaited<ReturnType<typeof dashboardWorld>>;
  before(async () => {
    t = await startTestApp();
    w = await dashboardWorld(t);
  });
  after(() => t.close());

  test('/ links to the dashboard, the scope reference and the metadata', async () => {
    const res = await new PageSession(t.app).get('/');
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    for (const href of ['/dashboard', '/docs/scopes', '/.well-known/oauth-authorization-server'])
      assert.match(res.body, new RegExp(`href="${href}"`));
  });

  test('/docs/scopes is public, lists every permission scope in plain words, and is where the metadata points', async () => {
    const res = await new PageSession(t.app).get('/docs/scopes');
    assert.equal(res.statusCode, 200);
    for (const p of permissionCatalog) {
      assert.ok(res.body.includes(`<li id="scope-${p.scope}"><code>${p.scope}</code><br>${escapeHtml(p.description)}`), p.scope);
    }
    assert.match(res.body, /market:code:CODE/);
    const metadata = (await t.app.inject({ method: 'GET', url: '/.well-known/oauth-authorization-server' })).json();
    assert.equal(metadata.service_documentation, `${t.deps.config.issuer}/docs/scopes`);
  });

  /** The consent page for `who` and an app, through the authorization endpoint and the sign-in form. */
  async function consentFor(who: { email: string; password: string }, clientId: string) {
    const browser = new PageSession(t.app);
    const page = await browser.signIn(
      await browser.get(`/oauth/authorize?${new URLSearchParams({ client_id: clientId, state: 'xyz' })}`),
      who.email,
      who.password,
    );
    assert.equal(page.statusCode, 200, page.body);
    return { browser, page };
  }

  test('the consent page shows the app’s description, homepage and where the answer goes; the only store is ticked', async () => {
    const app = await w.f.app(w.developer.id);
    const { page } = await consentFor(w.owner, app.clientId);
    assert.match(page.body, /<p>A test app<\/p>/);
    assert.match(page.body, /<a href="https:\/\/app.example" rel="noopener noreferrer" target="_blank">https:\/\/app.example<\/a>/);
    assert.match(page.body, /you go back to <strong>app.example<\/strong>/);
    assert.match(
      page.body,
      new RegExp(`<input type="checkbox" name="store_${w.store.id}" value="on" checked>`),
      'the only store is ticked',
    );
  });

  test('with several stores, none is ticked for the person', async () => {
    const app = await w.f.app(w.developer.id);
    await w.f.membership(w.otherStore.id, w.owner.id, 'admin');
    try {
      const { page } = await consentFor(w.owner, app.clientId);
      assert.equal([...page.body.matchAll(/<input type="checkbox" name="store_/g)].length, 2);
      assert.doesNotMatch(page.body, /name="store_[^"]+" value="on" checked/);
    } finally {
      await t.deps.storage.db.deleteFrom('memberships').where('store_id', '=', w.otherStore.id).where('user_id', '=', w.owner.id).execute();
      t.deps.changes.publish({ collection: 'memberships', id: w.owner.id });
    }
  });

  test('approving with no store chosen shows the page again, the problem beside the stores; then choosing one works', async () => {
    const app = await w.f.app(w.developer.id);
    const { browser, page } = await consentFor(w.owner, app.clientId);
    const none = await browser.decide(page, 'approve', []);
    assert.equal(none.statusCode, 422);
    assert.match(none.body, /<h1>app [^<]+ wants access<\/h1>/);
    assert.match(none.body, /<fieldset class="invalid" aria-describedby="stores-error" aria-invalid="true">/);
    assert.match(none.body, /<p class="field-error" id="stores-error" role="alert">Choose at least one store to grant the app.<\/p>/);
    assert.doesNotMatch(none.body, /This sign-in link does not work/);
    assert.equal(
      await t.deps.storage.db
        .selectFrom('authorization_codes')
        .select('client_id')
        .where('client_id', '=', app.clientId)
        .executeTakeFirst(),
      undefined,
    );
    const approved = await browser.post('/oauth/consent', {
      ...PageSession.hiddenFields(none.body),
      decision: 'approve',
      [`store_${w.store.id}`]: 'on',
    });
    assert.equal(approved.statusCode, 303);
    const back = new URL(String(approved.headers.location));
    assert.equal(back.searchParams.get('state'), 'xyz');
    assert.ok(back.searchParams.get('code'));
  });

  test('a webapp’s consent page names where the answer goes and offers no store choice', async () => {
    const webapp = await w.f.credential(w.store.id, 'live', 'webapp', { redirectUris: ['https://bo.example/cb'], scopes: ['stores.view'] });
    const { page } = await consentFor(w.owner, webapp.clientId);
    assert.match(page.body, /you go back to <strong>bo.example<\/strong>/);
    assert.doesNotMatch(page.body, /name="store_/);
  });
});
