import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { csrfOf, dashboardWorld, fieldProblems } from './support/dashboard-world';
import { startTestApp, type TestApp } from './support/test-app';
import { testDialects } from './support/test-storage';

/**
 * SPEC §7 store credentials: owners and admins create, rotate and delete; members may look, not
 * change; a person with no role in the store finds nothing there. The rule is the core's
 * (person-access-rule.ts), read in the write's own transaction, so it holds whatever is posted; on
 * SQLite and PostgreSQL.
 */
for (const dialect of await testDialects()) {
  describe(`store credentials by role on ${dialect} (SPEC §7)`, () => {
    let t: TestApp;
    let w: Awaited<ReturnType<typeof dashboardWorld>>;
    let credential: { id: string; clientId: string; secret?: string | undefined };
    const base = () => `/dashboard/stores/${w.store.id}/credentials`;

    before(async () => {
      t = await startTestApp({ dialect });
      w = await dashboardWorld(t);
      credential = await w.f.credential(w.store.id, 'live', 'integration', { scopes: ['stores.view'] });
    });
    after(() => t.close());

    const snapshot = async () => ({ credentials: await w.rows('credentials'), audit: await w.rows('audit_entries') });

    test('an owner creates a credential: the secret shown once, audited as the person, then rotated and deleted', async () => {
      const owner = await w.signedIn(w.owner);
      const created = await owner.submit(`${base()}/new?mode=test`, base(), {
        mode: 'test',
        kind: 'webapp',
        name: 'Back office',
        'scopes_stores.view': 'on',
        redirect_uris: 'https://bo.example/cb\n\nhttps://bo.example/cb2\n',
        expires_in: '9000',
      });
      assert.equal(created.statusCode, 200, created.body);
      const secret = /id="client-secret"[^>]*>([A-Za-z0-9]{72})</.exec(created.body)?.[1];
      assert.ok(secret, 'the 72-character secret is shown');
      const row = (await w.rows('credentials')).find((c) => c.name === 'Back office');
      assert.ok(row);
      assert.deepEqual(
        [row.mode, row.kind, JSON.parse(row.redirect_uris), row.expires_in],
        ['test', 'webapp', ['https://bo.example/cb', 'https://bo.example/cb2'], 9000],
      );
      assert.notEqual(row.secret_hash, secret, 'only its hash is kept');
      const shown = await owner.get(`${base()}/${row.id}`);
      assert.equal(shown.statusCode, 200);
      assert.doesNotMatch(shown.body, new RegExp(secret), 'the secret is never shown again');

      const rotated = await owner.submit(`${base()}/${row.id}`, `${base()}/${row.id}/rotate`);
      assert.equal(rotated.statusCode, 200);
      assert.match(rotated.body, /The previous secret keeps working until/);
      const deleted = await owner.submit(`${base()}/${row.id}/delete`, `${base()}/${row.id}/delete`);
      assert.equal(deleted.statusCode, 303);
      assert.equal(deleted.headers.location, `${base()}?mode=test`);
      assert.match((await owner.get(deleted.headers.location as string)).body, /Back office is deleted/);

      const audit = (await w.rows('audit_entries')).filter((e) => e.target_id === row.id).map((e) => [e.action, e.actor, e.store_id]);
      assert.deepEqual(audit, [
        ['credential.create', `user:${w.owner.id}`, w.store.id],
        ['credential.rotate_secret', `user:${w.owner.id}`, w.store.id],
        ['credential.delete', `user:${w.owner.id}`, w.store.id],
      ]);
    });

    test('an admin changes credentials too: a sales channel is created, with no secret to show', async () => {
      const admin = await w.signedIn(w.admin);
      const created = await admin.submit(`${base()}/new?mode=live`, base(), {
        mode: 'live',
        kind: 'sales_channel',
        name: 'Web shop',
        password_grant: 'on',
      });
      assert.equal(created.statusCode, 200, created.body);
      assert.match(created.body, /This client is public: it has no secret/);
      assert.doesNotMatch(created.body, /id="client-secret"/);
    });

    test('a member may look: the credentials and the activity are shown, with no form to change them', async () => {
      const member = await w.signedIn(w.member);
      for (const url of [`${base()}?mode=live`, `${base()}/${credential.id}`, `/dashboard/stores/${w.store.id}/activity`]) {
        const page = await member.get(url);
        assert.equal(page.statusCode, 200, url);
        assert.doesNotMatch(page.body, /action="[^"]*\/(rotate|delete|credentials)"/, `${url}: no form that changes anything`);
      }
      assert.match((await member.get(`${base()}/${credential.id}`)).body, /you may look, not change/);
      for (const url of [`${base()}/new?mode=live`, `${base()}/${credential.id}/delete`]) {
        assert.equal((await member.get(url)).statusCode, 403, url);
      }
    });

    test('a member’s posts are refused (403) and change nothing, whatever they post', async () => {
      const member = await w.signedIn(w.member);
      const token = csrfOf(await member.get(`${base()}?mode=live`));
      const before = await snapshot();
      for (const [action, fields] of [
        [base(), { mode: 'live', kind: 'integration', name: 'Mine now' }],
        [`${base()}/${credential.id}/rotate`, {}],
        [`${base()}/${credential.id}/rotate`, { compromised: 'on' }],
        [`${base()}/${credential.id}/delete`, {}],
      ] as const) {
        const res = await member.post(action, { _csrf: token, ...fields });
        assert.equal(res.statusCode, 403, `${action}: ${res.body.slice(0, 200)}`);
        assert.match(res.body, /members of a store may look, not change/);
      }
      assert.deepEqual(await snapshot(), before);
    });

    test('a person with no role in the store finds nothing there (404), and their posts change nothing', async () => {
      const outsider = await w.signedIn(w.outsider);
      for (const url of [
        `${base()}?mode=live`,
        `${base()}/${credential.id}`,
        `/dashboard/stores/${w.store.id}/activity`,
        `${base()}/new?mode=live`,
      ]) {
        assert.equal((await outsider.get(url)).statusCode, 404, url);
      }
      // Their own store's page gives them a token; they post it to the other store's forms.
      const token = csrfOf(await outsider.get(`/dashboard/stores/${w.otherStore.id}/credentials?mode=live`));
      const before = await snapshot();
      for (const action of [base(), `${base()}/${credential.id}/rotate`, `${base()}/${credential.id}/delete`]) {
        const res = await outsider.post(action, { _csrf: token, mode: 'live', kind: 'integration', name: 'Mine now' });
        assert.equal(res.statusCode, 404, action);
      }
      // Nor through their own store's path: the credential is not of that store.
      const sideways = await outsider.post(`/dashboard/stores/${w.otherStore.id}/credentials/${credential.id}/delete`, { _csrf: token });
      assert.equal(sideways.statusCode, 404);
      assert.deepEqual(await snapshot(), before);
    });

    test('the rule is the core’s: a role lost between the page and the post is seen in the write’s transaction', async () => {
      const admin = await w.signedIn(w.admin);
      const page = await admin.get(`${base()}/${credential.id}`);
      assert.match(page.body, /Rotate the secret/);
      const membership = (await t.deps.storage.db.selectFrom('memberships').selectAll().where('user_id', '=', w.admin.id).execute())[0]!;
      await w.provisioning('PATCH', `/stores/${w.store.id}/memberships/${membership.id}`, { role: 'member' });
      const before = await snapshot();
      const res = await admin.post(`${base()}/${credential.id}/rotate`, { _csrf: csrfOf(page) });
      assert.equal(res.statusCode, 403);
      assert.deepEqual(await snapshot(), before);
      // And straight through the service, as the dashboard calls it.
      await assert.rejects(
        t.deps.provisioning.rotateSecret({ kind: 'user', userId: w.admin.id }, 'credentials', w.store.id, credential.id),
        (error: Error) => error.name === 'NotAllowedError',
      );
    });

    test('validation is shown beside each field, with what was typed kept', async () => {
      const owner = await w.signedIn(w.owner);
      const res = await owner.submit(`${base()}/new?mode=live`, base(), {
        mode: 'live',
        kind: 'webapp',
        name: '  ',
        'scopes_no.such.scope': 'on',
        redirect_uris: 'ftp://bo.example/cb',
        expires_in: 'soon',
      });
      assert.equal(res.statusCode, 422);
      const problems = fieldProblems(res);
      assert.match(problems.name ?? '', /Must not be empty/);
      assert.match(problems.scopes ?? '', /“no.such.scope”: is not a permission scope/);
      assert.match(problems.redirect_uris ?? '', /“ftp:\/\/bo.example\/cb”: must be an absolute http\(s\) URL/);
      assert.match(problems.expires_in ?? '', /Must be a whole number of seconds/);
      assert.match(res.body, /<textarea id="f-redirect_uris"[^>]*>ftp:\/\/bo.example\/cb<\/textarea>/, 'the typed URL is kept');
      assert.match(res.body, /id="f-expires_in" name="expires_in" type="text" value="soon"/);
      assert.match(res.body, /<input type="radio" name="kind" value="webapp" checked>/);
      assert.match(res.body, /<a href="#f-name">Name: Must not be empty/, 'the summary links to the field');
    });
  });
}
