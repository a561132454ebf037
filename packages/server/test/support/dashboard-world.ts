import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { Fixtures } from './fixtures';
import { PageSession } from './page-session';
import type { TestApp } from './test-app';
import { TEST_ADMIN_TOKEN } from './test-config';

/** The CSRF token of a page's forms (every form of a page carries the same one). */
export function csrfOf(page: LightMyRequestResponse): string {
  const token = PageSession.hiddenFields(page.body)._csrf;
  assert.ok(token, `the page has a form with a CSRF token: ${page.statusCode} ${page.body.slice(0, 200)}`);
  return token;
}

/** The problems a page shows beside its fields, by field id (`f-name` → `name`). */
export function fieldProblems(page: LightMyRequestResponse): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const m of page.body.matchAll(/<p class="field-error" id="f-([^"]+)-error">([^<]*)<\/p>/g)) problems[m[1]!] = m[2]!;
  return problems;
}

/** A browser without a real browser (PageSession) that signs in to the dashboard and posts its forms. */
export class DashboardSession extends PageSession {
  /** Signs in on the dashboard's own form; asserts it worked. */
  async signInToDashboard(email: string, password: string): Promise<this> {
    const page = await this.get('/dashboard/signin');
    const res = await this.post('/dashboard/signin', { _csrf: csrfOf(page), email, password });
    assert.equal(res.statusCode, 303, res.body);
    return this;
  }

  /** Opens `pageUrl` and posts `fields` to `action` with that page's CSRF token, as its form would. */
  async submit(pageUrl: string, action: string, fields: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const page = await this.get(pageUrl);
    assert.equal(page.statusCode, 200, `${pageUrl}: ${page.body.slice(0, 300)}`);
    return this.post(action, { _csrf: csrfOf(page), ...fields });
  }
}

const unique = () => randomBytes(4).toString('hex');

/**
 * People and stores for the dashboard's tests: an owner, an admin and a member of one store, an
 * outsider with no role there, and a developer with an app; helpers to call the provisioning API as
 * the operator and to read the database.
 */
export async function dashboardWorld(t: TestApp) {
  const f = new Fixtures(t.deps.storage.db, t.deps.secretHasher, t.deps.changes);
  const password = 'correct horse battery';
  const person = async (label: string) => ({ ...(await f.user(`${label}-${unique()}@example.invalid`, password)), password });
  const [owner, admin, member, outsider, developer] = await Promise.all([
    person('owner'),
    person('admin'),
    person('member'),
    person('outsider'),
    person('developer'),
  ]);
  const store = await f.store();
  await f.membership(store.id, owner.id, 'owner');
  await f.membership(store.id, admin.id, 'admin');
  await f.membership(store.id, member.id, 'member');
  const otherStore = await f.store();
  await f.membership(otherStore.id, outsider.id, 'owner');

  const signedIn = async (who: { email: string; password: string }) =>
    new DashboardSession(t.app).signInToDashboard(who.email, who.password);
  const admin_ = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    t.app.inject({
      method,
      url: `/provisioning/v1${url}`,
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      ...(payload ? { payload } : {}),
    });
  const rows = (table: 'credentials' | 'apps' | 'users' | 'grants' | 'audit_entries') =>
    t.deps.storage.db.selectFrom(table).selectAll().execute();
  const form = (url: string, payload: Record<string, string | undefined>, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      payload: new URLSearchParams(Object.entries(payload).filter((e): e is [string, string] => e[1] !== undefined)).toString(),
    });

  /** Saves a code as approving the consent page saves it (core/authorize/issue-authorization-code.ts). */
  const saveCode = async (who: { id: string }, clientId: string, storeIds: string[], scope = 'stores.view stores.products.view') => {
    const code = randomBytes(32).toString('base64url');
    const now = t.clock.now();
    await t.deps.grants.codes.save(t.deps.secretHasher.hash(code), {
      clientId,
      redirectUri: 'https://app.example/callback',
      redirectUriSent: true,
      codeChallenge: null,
      scope,
      storeIds,
      owner: { type: 'user', id: who.id },
      createdAt: now,
      expiresAt: now + 60_000,
      usedAt: null,
      grantId: null,
    });
    return code;
  };

  /** `who` connects `app` to `storeIds` as the consent page and the app exchange would; returns the API key. */
  const connect = async (who: { id: string }, app: { clientId: string; secret?: string | undefined }, storeIds: string[]) => {
    const code = await saveCode(who, app.clientId, storeIds);
    const res = await t.app.inject({
      method: 'GET',
      url: `/oauth2/${app.clientId}/exchange/${code}`,
      headers: { 'user-agent': 'Test/1.0', 'x-client-secret': app.secret ?? '' },
    });
    assert.equal(res.statusCode, 200, res.body);
    return res.json().data as string;
  };

  return {
    f,
    owner,
    admin,
    member,
    outsider,
    developer,
    store,
    otherStore,
    password,
    signedIn,
    provisioning: admin_,
    rows,
    form,
    saveCode,
    connect,
  };
}
