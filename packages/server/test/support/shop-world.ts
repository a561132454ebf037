import assert from 'node:assert/strict';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { Fixtures } from './fixtures';
import type { TestApp } from './test-app';

/**
 * A store as the grant tests need it: a public and a private market, a vip customer and a regular
 * one, a sales channel, staff with each role, and helpers to call the token, revoke and introspect
 * endpoints.
 */
export async function shopWorld(t: TestApp) {
  const f = new Fixtures(t.deps.storage.db, t.deps.secretHasher, t.deps.changes);
  const store = await f.store('shop');
  const eu = await f.stockLocation(store.id, 'test', 'eu');
  const us = await f.stockLocation(store.id, 'test', 'us');
  const prices = await f.priceList(store.id, 'test', 'eur');
  const vipGroup = await f.customerGroup(store.id, 'test');
  const europe = await f.market(store.id, 'test', 'europe', { priceListId: prices.id, stockLocationIds: [eu.id, us.id] });
  const vip = await f.market(store.id, 'test', 'vip', { priceListId: prices.id, stockLocationIds: [eu.id], customerGroupId: vipGroup.id });
  const vipShopper = await f.customer(store.id, 'test', 'vip@shop.invalid', 'vip password 1', vipGroup.id);
  const shopper = await f.customer(store.id, 'test', 'plain@shop.invalid', 'plain password 1');
  const salesChannel = await f.credential(store.id, 'test', 'sales_channel', { scopes: ['stores.products.view', 'stores.orders.view'] });
  const otherChannel = await f.credential(store.id, 'test', 'sales_channel');

  const post = (url: string, payload: Record<string, string | undefined>, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      payload: new URLSearchParams(Object.entries(payload).filter((e): e is [string, string] => e[1] !== undefined)).toString(),
    });
  const token = (payload: Record<string, string | undefined>, headers?: Record<string, string>) => post('/oauth/token', payload, headers);
  const revoke = (payload: Record<string, string | undefined>, headers?: Record<string, string>) => post('/oauth/revoke', payload, headers);
  const introspect = (payload: Record<string, string | undefined>, headers?: Record<string, string>) =>
    post('/oauth/introspect', payload, headers);

  /** A shopper's sign-in through the sales channel (password grant). */
  const signIn = async (who = vipShopper, scope = 'market:code:europe', clientId = salesChannel.clientId) => {
    const res = await token({ grant_type: 'password', client_id: clientId, username: who.email, password: who.password, scope });
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as { access_token: string; refresh_token: string; scope: string; owner_id: string; expires_in: number };
  };
  const refresh = (refreshToken: string, extra: Record<string, string> = {}, clientId = salesChannel.clientId) =>
    token({ grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken, ...extra });
  const claims = async (accessToken: string) => {
    const jwks = createLocalJWKSet((await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json());
    return (await jwtVerify(accessToken, jwks, { typ: 'at+jwt', currentDate: new Date(t.clock.now()) })).payload;
  };

  return {
    f,
    store,
    eu,
    us,
    prices,
    vipGroup,
    europe,
    vip,
    vipShopper,
    shopper,
    salesChannel,
    otherChannel,
    token,
    revoke,
    introspect,
    signIn,
    refresh,
    claims,
  };
}
