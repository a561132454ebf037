import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { dashboardWorld } from './support/dashboard-world';
import { startTestApp, type TestApp } from './support/test-app';

/** The entries a log page shows, newest first: “What: subject” and “by who …”. */
function entriesOn(page: LightMyRequestResponse): { what: string; by: string }[] {
  return [...page.body.matchAll(/<li class="entry">[\s\S]*?<h3>([^<]*)<\/h3>[\s\S]*?<p>by <a [^>]*>([^<]*)<\/a>([^<]*)<\/p><\/li>/g)].map(
    (m) => ({
      what: m[1]!.replaceAll('&amp;', '&'),
      by: `${m[2]}${m[3]}`,
    }),
  );
}

/**
 * SPEC §7 activity: a store's audit log, newest first, a page at a time, filterable by actor and
 * action, with who created, changed, rotated, authorized or revoked what, whether it was done in the
 * dashboard, through the provisioning API or through OAuth; and the person's own log.
 */
describe('the activity logs (SPEC §7)', () => {
  let t: TestApp;
  let w: Awaited<ReturnType<typeof dashboardWorld>>;
  let app: { id: string; clientId: string; secret?: string | undefined };
  const log = () => `/dashboard/stores/${w.store.id}/activity`;

  before(async () => {
    t = await startTestApp();
    w = await dashboardWorld(t);
    app = await w.f.app(w.developer.id);
    await t.deps.storage.db.updateTable('apps').set({ name: 'Stock Sync' }).where('id', '=', app.id).execute();
    await t.deps.storage.db.updateTable('users').set({ name: 'Olive Owner' }).where('id', '=', w.owner.id).execute();
  });
  after(() => t.close());

  test('every path is in the store’s log, newest first, in plain words: the provisioning API, OAuth, the dashboard', async () => {
    // The operator, through the provisioning API.
    const created = await w.provisioning('POST', `/stores/${w.store.id}/credentials`, {
      mode: 'test',
      kind: 'integration',
      name: 'ERP sync',
    });
    assert.equal(created.statusCode, 201);
    t.clock.advance(60);
    // OAuth: the owner authorizes the app (the exchange makes the grant); the app revokes its own API key.
    const apiKey = await w.connect(w.owner, app, [w.store.id]);
    t.clock.advance(60);
    const revoked = await w.form('/oauth/revoke', { client_id: app.clientId, client_secret: app.secret, token: apiKey });
    assert.equal(revoked.statusCode, 200);
    t.clock.advance(60);
    // The dashboard: the owner rotates the credential's secret.
    const owner = await w.signedIn(w.owner);
    const base = `/dashboard/stores/${w.store.id}/credentials/${created.json().id}`;
    assert.equal((await owner.submit(base, `${base}/rotate`)).statusCode, 200);

    const page = await owner.get(log());
    assert.equal(page.statusCode, 200);
    const entries = entriesOn(page);
    assert.deepEqual(entries.slice(0, 4), [
      { what: 'Credential secret rotated: ERP sync', by: 'Olive Owner · test mode' },
      { what: 'Authorization revoked: Stock Sync', by: 'Stock Sync · live mode · reason: revoked by client' },
      { what: 'Authorization given: Stock Sync', by: 'Olive Owner · live mode' },
      { what: 'Credential created: ERP sync', by: 'the admin token · test mode' },
    ]);
    assert.match(page.body, /<time datetime="2026-11-22T12:03:00.000Z">22 Nov 2026, 12:03 UTC<\/time>/);
    // A member may read it too.
    const member = await w.signedIn(w.member);
    assert.deepEqual(entriesOn(await member.get(log())).slice(0, 4), entries.slice(0, 4));
  });

  test('filterable by who and by what; each actor is a link that filters by them', async () => {
    const owner = await w.signedIn(w.owner);
    const byOwner = entriesOn(await owner.get(`${log()}?actor=${encodeURIComponent(`user:${w.owner.id}`)}`));
    assert.ok(byOwner.length >= 2);
    assert.ok(
      byOwner.every((e) => e.by.startsWith('Olive Owner')),
      JSON.stringify(byOwner),
    );
    const created = entriesOn(await owner.get(`${log()}?action=credential.create`));
    assert.deepEqual(
      created.map((e) => e.what),
      ['Credential created: ERP sync'],
    );
    const page = await owner.get(log());
    assert.match(page.body, new RegExp(`href="${log()}\\?actor=user%3A${w.owner.id}" title="Only entries by Olive Owner"`));
    assert.match(page.body, /<option value="credential.create">Credential created<\/option>/);
    assert.match(page.body, /<option value="admin">the admin token<\/option>/);
    const none = await owner.get(`${log()}?action=market.delete`);
    assert.match(none.body, /Nothing matches/);
    const broken = await owner.get(`${log()}?after=yesterday`);
    assert.equal(broken.statusCode, 422, 'a cursor that is not one is refused, as the API refuses it');
  });

  test('paginated: twenty at a time, older entries by cursor, back to the newest', async () => {
    const credential = await w.f.credential(w.store.id, 'live', 'integration');
    for (let i = 0; i < 25; i++) {
      t.clock.advance(1);
      const res = await w.provisioning('PATCH', `/stores/${w.store.id}/credentials/${credential.id}`, { name: `ERP ${i}` });
      assert.equal(res.statusCode, 200);
    }
    const owner = await w.signedIn(w.owner);
    const first = await owner.get(`${log()}?action=credential.update`);
    assert.equal(entriesOn(first).length, 20);
    assert.doesNotMatch(first.body, />Newest</, 'the first page has no way to itself');
    const older = /href="([^"]*after=\d+)">Older entries</.exec(first.body)?.[1]?.replaceAll('&amp;', '&');
    assert.ok(older, 'a link to older entries');
    assert.match(older, /action=credential.update/, 'the filter is kept');
    const second = await owner.get(older);
    assert.equal(entriesOn(second).length, 5);
    assert.doesNotMatch(second.body, />Older entries</);
    assert.match(second.body, />Newest</);
    // Each change is a second apart: the two pages hold 25 instants, each once, newest first.
    const times = [first, second].flatMap((p) =>
      [...p.body.matchAll(/<li class="entry">[\s\S]*?<time datetime="([^"]+)">/g)].map((m) => m[1]!),
    );
    assert.equal(new Set(times).size, 25, 'every entry once');
    assert.deepEqual(times, [...times].sort().reverse(), 'newest first');
    assert.equal(entriesOn(first)[0]?.what, 'Credential changed: ERP 24', 'named as the credential is now called');
  });

  test('the person’s own log: their sign-up, their apps and what was done to them; nobody else’s', async () => {
    const dev = await w.signedIn(w.developer);
    const register = await dev.submit('/dashboard/apps/new', '/dashboard/apps', {
      name: 'Pocket',
      homepage: 'https://pocket.example',
      redirect_uris: 'https://pocket.example/cb',
      confidential: 'confidential',
    });
    assert.equal(register.statusCode, 200);
    // The operator renames the developer's older app; another person registers an app of their own.
    await w.provisioning('PATCH', `/apps/${app.id}`, { description: 'Changed by the operator' });
    await w.f.app(w.outsider.id);
    await w.provisioning('POST', '/apps', {
      owner_user_id: w.outsider.id,
      name: 'Not Dana’s',
      homepage: 'https://n.example',
      redirect_uris: ['https://n.example/cb'],
    });

    const page = await dev.get('/dashboard/activity');
    const entries = entriesOn(page);
    assert.deepEqual(entries.slice(0, 2), [
      { what: 'App changed: Stock Sync', by: 'the admin token' },
      { what: 'App created: Pocket', by: `${w.developer.email}` },
    ]);
    assert.ok(!entries.some((e) => e.what.includes('Not Dana')), 'another person’s app is not in the log');
    assert.ok(!entries.some((e) => e.what.startsWith('Credential')), 'store entries stay in the store’s log');
  });
});
