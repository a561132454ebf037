import { createHash, randomBytes } from 'node:crypto';
import { Fixtures } from './fixtures';
import type { TestApp } from './test-app';

export type ExchangeHeaders = Record<string, string | undefined>;

/**
 * What the app exchange tests need, built without the browser flow: a user who owns or administers
 * three stores (and is a mere member of a fourth), a confidential app, a public one and another
 * confidential one, and codes saved straight through the code store, as approval would save them.
 */
export async function appExchangeWorld(t: TestApp) {
  const f = new Fixtures(t.deps.storage.db, t.deps.secretHasher, t.deps.changes);
  const user = await f.user(`dev-${randomBytes(4).toString('hex')}@example.invalid`);
  const stores = [await f.store(), await f.store(), await f.store()] as const;
  await f.membership(stores[0].id, user.id, 'owner');
  await f.membership(stores[1].id, user.id, 'admin');
  await f.membership(stores[2].id, user.id, 'owner');
  const memberOnly = await f.store();
  await f.membership(memberOnly.id, user.id, 'member');
  const app = await f.app(user.id);
  const publicApp = await f.app(user.id, { confidential: false });
  const otherApp = await f.app(user.id);
  /** The two stores of three chosen at consent. */
  const chosen = [stores[0], stores[1]];

  /** Saves a code as approval would; `challenge: true` binds it to a PKCE verifier, returned with it. */
  const code = async (
    to: { clientId: string } = app,
    options: { challenge?: boolean; storeIds?: string[]; ttlSeconds?: number; scope?: string } = {},
  ) => {
    const value = randomBytes(32).toString('base64url');
    const verifier = randomBytes(32).toString('base64url');
    const now = t.clock.now();
    await t.deps.grants.codes.save(t.deps.secretHasher.hash(value), {
      clientId: to.clientId,
      redirectUri: 'https://app.example/callback',
      redirectUriSent: true,
      codeChallenge: options.challenge ? createHash('sha256').update(verifier).digest('base64url') : null,
      scope: options.scope ?? 'stores.view stores.products.view',
      storeIds: options.storeIds ?? chosen.map((s) => s.id),
      owner: { type: 'user', id: user.id },
      createdAt: now,
      expiresAt: now + (options.ttlSeconds ?? 60) * 1000,
      usedAt: null,
      grantId: null,
    });
    return { value, verifier };
  };

  /** `GET /oauth2/{appId}/exchange/{code}` with a User-Agent and the app's secret unless overridden. */
  const exchange = (
    appId: string,
    theCode: string,
    headers: ExchangeHeaders = {},
    options: { secret?: string | undefined; remoteAddress?: string } = {},
  ) => {
    const secret = 'secret' in options ? options.secret : app.secret;
    return t.app.inject({
      method: 'GET',
      url: `/oauth2/${encodeURIComponent(appId)}/exchange/${encodeURIComponent(theCode)}`,
      headers: { 'user-agent': 'MyApp/1.0', ...(secret === undefined ? {} : { 'x-client-secret': secret }), ...headers },
      ...(options.remoteAddress ? { remoteAddress: options.remoteAddress } : {}),
    });
  };

  /** The API key from a successful exchange of a fresh code. */
  const apiKey = async (to = app) => {
    const c = await code(to);
    const res = await exchange(to.clientId, c.value, {}, { secret: to.secret });
    if (res.statusCode !== 200) throw new Error(`exchange failed: ${res.statusCode} ${res.body}`);
    return res.json().data as string;
  };

  const form = (url: string, payload: Record<string, string | undefined>) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(Object.entries(payload).filter((e): e is [string, string] => e[1] !== undefined)).toString(),
    });
  const revoke = (as: { clientId: string; secret?: string }, token: string) =>
    form('/oauth/revoke', { client_id: as.clientId, client_secret: as.secret, token });
  const introspect = (as: { clientId: string; secret?: string }, token: string) =>
    form('/oauth/introspect', { client_id: as.clientId, client_secret: as.secret, token });

  const grantRow = (id: string) => t.deps.storage.db.selectFrom('grants').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  return { f, user, stores, memberOnly, app, publicApp, otherApp, chosen, code, exchange, apiKey, revoke, introspect, grantRow };
}
