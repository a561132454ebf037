import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RecordChange } from '../src/core/model/record-change';
import { shopWorld } from './support/shop-world';
import { startTestApp, type TestApp } from './support/test-app';
import { TEST_ADMIN_TOKEN } from './support/test-config';

interface Entry {
  id: string;
  at: string;
  actor: string;
  action: string;
  target_type: string;
  target_id: string;
  mode: string | null;
  details: Record<string, unknown>;
}

/**
 * SPEC §5: every grant created or revoked, by whatever path, writes its audit entry in the same
 * transaction, and a store's audit log is readable: `GET /stores/{id}/audit_entries`, newest first,
 * paginated. SPEC §1: every revocation is published on the change channel.
 */
describe('the audit log of grants and revocations (SPEC §5)', () => {
  let t: TestApp;
  let w: Awaited<ReturnType<typeof shopWorld>>;
  const changes: RecordChange[] = [];

  const auditLog = (query = '', bearer = TEST_ADMIN_TOKEN, storeId = w.store.id) =>
    t.app.inject({
      method: 'GET',
      url: `/provisioning/v1/stores/${storeId}/audit_entries${query}`,
      headers: { authorization: `Bearer ${bearer}` },
    });
  const entriesFor = async (targetId: string): Promise<Entry[]> =>
    ((await auditLog('?page[size]=100')).json().data as Entry[]).filter((e) => e.target_id === targetId);
  const grantOf = async (accessToken: string) => (await w.claims(accessToken)).grant_id as string;

  before(async () => {
    t = await startTestApp();
    w = await shopWorld(t);
    t.deps.changes.subscribe((change) => changes.push(change));
  });
  after(() => t.close());

  test('a sign-in with the password grant audits the grant it creates, as the customer', async () => {
    const { access_token } = await w.signIn(w.vipShopper);
    const grantId = await grantOf(access_token);
    const [created] = await entriesFor(grantId);
    assert.equal(created?.action, 'grant.create');
    assert.equal(created?.actor, `customer:${w.vipShopper.id}`);
    assert.equal(created?.mode, 'test');
    assert.equal(created?.details.client_id, w.salesChannel.clientId);
  });

  test('a client revoking its refresh token audits the grant revocation, as the client, and publishes it', async () => {
    const { access_token, refresh_token } = await w.signIn(w.vipShopper);
    const grantId = await grantOf(access_token);
    assert.equal((await w.revoke({ client_id: w.salesChannel.clientId, token: refresh_token })).statusCode, 200);
    const revoked = (await entriesFor(grantId)).find((e) => e.action === 'grant.revoke');
    assert.equal(revoked?.actor, `client:${w.salesChannel.clientId}`);
    assert.equal(revoked?.details.reason, 'revoked_by_client');
    assert.ok(changes.some((c) => c.collection === 'grants' && c.id === grantId));
  });

  test('a client revoking an access token audits it once', async () => {
    const { access_token } = await w.signIn(w.vipShopper);
    const jti = (await w.claims(access_token)).jti as string;
    for (let i = 0; i < 2; i++) await w.revoke({ client_id: w.salesChannel.clientId, token: access_token });
    const entries = await entriesFor(jti);
    assert.equal(entries.length, 1);
    assert.equal(entries[0]?.action, 'access_token.revoke');
    assert.equal(entries[0]?.actor, `client:${w.salesChannel.clientId}`);
  });

  test('refresh-token reuse revokes the grant, audits it and publishes it on the change channel', async () => {
    const { access_token, refresh_token } = await w.signIn(w.vipShopper);
    const grantId = await grantOf(access_token);
    assert.equal((await w.refresh(refresh_token)).statusCode, 200);
    const published = changes.length;
    assert.equal((await w.refresh(refresh_token)).json().error, 'invalid_grant');
    const revoked = (await entriesFor(grantId)).find((e) => e.action === 'grant.revoke');
    assert.equal(revoked?.details.reason, 'refresh_token_reuse');
    assert.ok(
      changes.slice(published).some((c) => c.collection === 'grants' && c.id === grantId),
      'the reuse revocation was not published',
    );
  });

  test('a rule that fails on refresh revokes the grant as the system, audited and published', async () => {
    const leaver = await w.f.customer(w.store.id, 'test', `leaver-${Date.now()}@shop.invalid`, 'leaver password', w.vipGroup.id);
    const { access_token, refresh_token } = await w.signIn(leaver, 'market:code:vip');
    const grantId = await grantOf(access_token);
    await t.deps.storage.db.updateTable('customers').set({ customer_group_id: null }).where('id', '=', leaver.id).execute();
    t.deps.changes.publish({ collection: 'customers', id: leaver.id });
    assert.equal((await w.refresh(refresh_token)).json().error, 'invalid_grant');
    const revoked = (await entriesFor(grantId)).find((e) => e.action === 'grant.revoke');
    assert.equal(revoked?.actor, 'system');
    assert.equal(revoked?.details.reason, 'rule_failed_on_refresh');
  });

  test('the log reads newest first, a page at a time, filtered by actor and action', async () => {
    for (let i = 0; i < 3; i++) {
      await w.signIn(w.shopper);
      t.clock.advance(1);
    }
    const all = (await auditLog('?page[size]=100')).json().data as Entry[];
    const ids = all.map((e) => Number(e.id));
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => b - a),
      'newest first',
    );

    const first = await auditLog('?page[size]=2');
    assert.equal(first.statusCode, 200);
    assert.equal(first.headers['cache-control'], 'no-store');
    const page1 = first.json();
    assert.equal(page1.data.length, 2);
    assert.match(page1.links.next, /page%5Bafter%5D=|page\[after\]=/);
    const second = (
      await t.app.inject({ method: 'GET', url: page1.links.next, headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } })
    ).json();
    assert.deepEqual(
      [...page1.data, ...second.data].map((e: Entry) => e.id),
      all.slice(0, 4).map((e) => e.id),
    );

    const mine = (await auditLog(`?actor=customer:${w.shopper.id}&action=grant.create`)).json().data as Entry[];
    assert.equal(mine.length, 3);
    assert.ok(mine.every((e) => e.actor === `customer:${w.shopper.id}` && e.action === 'grant.create'));
    const last = await auditLog(`?actor=customer:${w.shopper.id}&action=grant.create&page[size]=3`);
    assert.equal(
      (await t.app.inject({ method: 'GET', url: last.json().links.next, headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } })).json()
        .data.length,
      0,
    );
  });

  test('bad paging parameters are a 422 naming the parameter; an unknown store is 404', async () => {
    const res = await auditLog('?page[size]=0&page[after]=abc');
    assert.equal(res.statusCode, 422);
    assert.deepEqual(
      res.json().errors.map((e: { source: { parameter: string } }) => e.source.parameter),
      ['page[size]', 'page[after]'],
    );
    assert.equal((await auditLog('', TEST_ADMIN_TOKEN, 'no-such-store')).statusCode, 404);
  });

  test("a store's provisioning token reads its own store's log in its own mode only", async () => {
    const ops = await w.f.credential(w.store.id, 'live', 'integration', { scopes: ['provisioning'] });
    const token = (await w.token({ grant_type: 'client_credentials', client_id: ops.clientId, client_secret: ops.secret })).json()
      .access_token as string;
    const entries = (await auditLog('?page[size]=100', token)).json().data as Entry[];
    assert.ok(
      ((await auditLog('?page[size]=100')).json().data as Entry[]).some((e) => e.mode === 'test'),
      'the admin token sees the test-mode entries',
    );
    assert.ok(
      entries.every((e) => e.mode === null || e.mode === 'live'),
      'a live token sees no test-mode entry',
    );
    const other = await w.f.store('elsewhere');
    assert.equal((await auditLog('', token, other.id)).statusCode, 403);
  });
});
