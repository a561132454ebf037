import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { after, before, describe, type TestContext, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';
import type { Page, Response } from 'playwright-core';
import {
  browserSkipReason,
  type ClientApp,
  callReferenceApi,
  fetchWithTimeout,
  landOnCallback,
  launchBrowser,
  pkcePair,
  provisioningClient,
  signIn,
  startClientApp,
  type TestBrowser,
} from './support/browser';
import { type ListeningApp, startListeningApp } from './support/listening-app';

/**
 * Issue 4's "done when": the whole authorization code flow walked in a real browser (Debian's
 * Chromium, headless, through playwright-core) as a person would — the labelled fields, the buttons
 * by their names, the store checkboxes by the stores' names — against the real server on a real port,
 * with a small client application receiving the redirect. Everything is set up through the
 * provisioning API, as an operator would.
 */
const skip = browserSkipReason();
/**
 * docs/consent-page.png is the consent page as this test renders it. It is rewritten only when
 * COUNTERSIGN_UPDATE_SCREENSHOT=1, so that an ordinary test run leaves the working tree clean.
 */
const CONSENT_SCREENSHOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../docs/consent-page.png');
const updateScreenshot = process.env.COUNTERSIGN_UPDATE_SCREENSHOT === '1';

interface Created {
  id: string;
  client_id: string;
  client_secret?: string;
}

describe('the authorization code flow in Chromium (SPEC §3)', { skip, timeout: 90_000 }, () => {
  let server: ListeningApp;
  let client: ClientApp;
  let browser: TestBrowser;
  let jwks: ReturnType<typeof createRemoteJWKSet>;
  const merchant = { email: 'mia@merchant.invalid', password: 'mia merchant password 1', name: 'Mia Merchant' };
  const shopper = { email: 'sam@shopper.invalid', password: 'sam shopper password 1' };
  // Staff of the first store who have approved nothing yet: the merchant's earlier approvals of the
  // (confidential) webapp would let the server skip their consent page, as SPEC §3 allows.
  const denier = { email: 'theo@merchant.invalid', password: 'theo staff password 1', name: 'Theo Staff' };
  const inspector = { email: 'uma@merchant.invalid', password: 'uma staff password 1', name: 'Uma Staff' };
  let stores: { id: string; slug: string; name: string }[];
  let app: Created;
  let webapp: Created;
  let salesChannel: Created;
  let market: { id: string; code: string };

  before(async () => {
    client = await startClientApp();
    server = await startListeningApp();
    browser = await launchBrowser();
    jwks = createRemoteJWKSet(new URL(`${server.issuer}/.well-known/jwks.json`));
    const provision = provisioningClient(server.issuer);

    const user = await provision<{ id: string }>('/users', merchant);
    const developer = await provision<{ id: string }>('/users', {
      email: 'dana@developer.invalid',
      password: 'dana developer password 1',
      name: 'Dana Developer',
    });
    stores = [];
    for (const [slug, name, role] of [
      ['harbour-books', 'Harbour Books', 'owner'],
      ['lantern-tea', 'Lantern Tea Co.', 'admin'],
      ['northwind-outdoor', 'Northwind Outdoor', 'owner'],
    ] as const) {
      const store = await provision<{ id: string; slug: string }>('/stores', { slug, name, currency: 'EUR' });
      await provision(`/stores/${store.id}/memberships`, { user_id: user.id, role });
      stores.push({ id: store.id, slug: store.slug, name });
    }
    app = await provision<Created>('/apps', {
      owner_user_id: developer.id,
      name: 'Stock Sync',
      description: 'Keeps stock levels in sync with your warehouse',
      homepage: 'https://stock-sync.example',
      scopes: ['stores.view', 'stores.products.view'],
      redirect_uris: [client.callbackUrl],
      confidential: true,
    });
    const home = stores[0]!;
    for (const person of [denier, inspector]) {
      const staff = await provision<{ id: string }>('/users', person);
      await provision(`/stores/${home.id}/memberships`, { user_id: staff.id, role: 'admin' });
    }
    webapp = await provision<Created>(`/stores/${home.id}/credentials`, {
      mode: 'test',
      kind: 'webapp',
      name: 'Back-office dashboard',
      scopes: ['stores.view', 'stores.products.view'],
      redirect_uris: [client.callbackUrl],
    });
    const location = await provision<{ id: string }>(`/stores/${home.id}/stock_locations`, {
      mode: 'test',
      code: 'eu-warehouse',
      name: 'EU warehouse',
    });
    const prices = await provision<{ id: string }>(`/stores/${home.id}/price_lists`, {
      mode: 'test',
      code: 'eur',
      name: 'Euro prices',
      currency: 'EUR',
    });
    market = await provision<{ id: string; code: string }>(`/stores/${home.id}/markets`, {
      mode: 'test',
      code: 'europe',
      name: 'Europe',
      active: true,
      price_list_id: prices.id,
      stock_location_ids: [location.id],
    });
    salesChannel = await provision<Created>(`/stores/${home.id}/credentials`, {
      mode: 'test',
      kind: 'sales_channel',
      name: 'Web shop',
      scopes: [],
      redirect_uris: [client.callbackUrl],
    });
    await provision(`/stores/${home.id}/customers`, { mode: 'test', ...shopper });
    // A SKU the storefront can sell in the market, so the reference API has something to list.
    const sku = await provision<{ id: string }>(`/stores/${home.id}/skus`, { mode: 'test', code: 'TEA-001', name: 'Sencha, 100 g' });
    await provision(`/stores/${home.id}/prices`, { mode: 'test', sku_id: sku.id, price_list_id: prices.id, amount_cents: 1250 });
    await provision(`/stores/${home.id}/stock_items`, { mode: 'test', sku_id: sku.id, stock_location_id: location.id, quantity: 7 });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await client?.close();
  });

  const authorizeUrl = (path: string, params: Record<string, string>) =>
    `${server.issuer}${path}?${new URLSearchParams(params).toString()}`;

  /** Verifies a token against the server's published keys (JWKS), as any resource server could. */
  const verify = async (token: string, typ: string): Promise<JWTPayload> =>
    (await jwtVerify(token, jwks, { issuer: server.issuer, typ })).payload;

  /** Calls the reference API; when its route is not there yet, says so (the JWKS check has been made). */
  async function referenceCall(t: TestContext, path: string, token: string): Promise<unknown | undefined> {
    const body = await callReferenceApi(server.issuer, path, token);
    if (body === undefined)
      t.diagnostic(`reference API route GET ${path} is not on this server (404 No route): the token was checked against the JWKS only`);
    return body;
  }

  /** The app exchange, server side as the app would call it; checks the API key names exactly `chosen`. */
  async function exchangeForApiKey(code: string, chosen: { id: string; slug: string }[]): Promise<string> {
    const exchanged = await fetchWithTimeout(
      `${server.issuer}/oauth2/${encodeURIComponent(app.client_id)}/exchange/${encodeURIComponent(code)}`,
      {
        headers: { 'x-client-secret': app.client_secret!, 'user-agent': 'StockSync/1.0 (browser test)' },
      },
    );
    const envelope = (await exchanged.json()) as { success: boolean; message: string; code: number; data: string };
    assert.equal(exchanged.status, 200, JSON.stringify(envelope));
    assert.equal(envelope.success, true);
    const claims = await verify(envelope.data, 'api-key+jwt');
    assert.equal(claims.exp, undefined, 'an API key has no exp');
    assert.equal(claims.aud, 'backoffice');
    assert.deepEqual(
      (claims.stores as { id: string; slug: string }[]).map((s) => s.id).sort(),
      chosen.map((s) => s.id).sort(),
      'the API key names exactly the chosen stores',
    );
    assert.deepEqual((claims.stores as { id: string; slug: string }[]).map((s) => s.slug).sort(), chosen.map((s) => s.slug).sort());
    assert.equal(claims.store, undefined);
    return envelope.data;
  }

  /** The headers SPEC §7 asks of the sign-in and consent pages. */
  async function assertPageHeaders(response: Response | null, what: string) {
    assert.ok(response, `no response for the ${what}`);
    assert.equal(response.status(), 200, what);
    const headers = await response.allHeaders();
    assert.match(headers['content-security-policy'] ?? '', /frame-ancestors 'none'/, what);
    assert.equal(headers['x-frame-options'], 'DENY', what);
    assert.equal(headers['referrer-policy'], 'no-referrer', what);
  }

  /** The next 200 page the server answers for an authorization endpoint (after a sign-in's 303). */
  const nextAuthorizePage = (page: Page) =>
    page.waitForResponse(
      (r) => r.url().startsWith(server.issuer) && r.request().method() === 'GET' && r.url().includes('/authorize?') && r.status() === 200,
    );

  test('an app: the merchant signs in, chooses two of three stores, approves; the exchange gives an API key for exactly those two', async (t) => {
    const page = await browser.freshPage();
    const state = 'app-state-1';
    const first = await page.goto(authorizeUrl('/oauth/authorize', { client_id: app.client_id, redirect_uri: client.callbackUrl, state }));
    assert.equal(first?.status(), 200);
    await page.getByRole('heading', { name: 'Sign in to the back office' }).waitFor();
    await signIn(page, merchant.email, merchant.password);

    await page.getByRole('heading', { name: 'Stock Sync wants access' }).waitFor();
    await page.getByText('by Dana Developer').waitFor();
    const permissions = await page.locator('ul li').allTextContents();
    assert.equal(permissions.length, 2, permissions.join(' | '));
    assert.ok(
      permissions.every((p) => p.length > 20 && !p.startsWith('stores.')),
      `plain words, not scope names: ${permissions.join(' | ')}`,
    );
    assert.equal(await page.getByRole('checkbox').count(), 3);
    for (const store of stores) assert.equal(await page.getByLabel(store.name).isChecked(), false, store.name);
    const chosen = [stores[0]!, stores[2]!];
    for (const store of chosen) await page.getByLabel(store.name).check();
    if (updateScreenshot) mkdirSync(dirname(CONSENT_SCREENSHOT), { recursive: true });
    const png = await page.screenshot({ fullPage: true, ...(updateScreenshot ? { path: CONSENT_SCREENSHOT } : {}) });
    assert.ok(png.length > 1000, 'the consent page rendered');
    await page.getByRole('button', { name: 'Approve' }).click();

    const callback = await landOnCallback(page, client);
    assert.equal(callback.searchParams.get('state'), state);
    assert.equal(callback.searchParams.get('iss'), server.issuer);
    assert.equal(callback.searchParams.get('error'), null);
    const code = callback.searchParams.get('code');
    assert.ok(code);

    const apiKey = await exchangeForApiKey(code, chosen);

    const read = await referenceCall(t, `/admin/api/stores/${chosen[0]!.id}`, apiKey);
    if (read !== undefined) {
      const refused = await fetchWithTimeout(`${server.issuer}/admin/api/stores/${stores[1]!.id}`, {
        headers: { authorization: `Bearer ${apiKey}` },
      });
      assert.equal(refused.status, 403, 'a store left unticked is not in the key');
    }

    // The same app again through the back-office alias: the merchant is signed in and already
    // approved these scopes and stores for this confidential app, so consent may be skipped; if it is
    // shown, the same two stores are chosen again.
    await page.goto(
      authorizeUrl('/admin/oauth2-token/authorize', { client_id: app.client_id, redirect_uri: client.callbackUrl, state: 'app-state-2' }),
    );
    const approve = page.getByRole('button', { name: 'Approve' });
    await approve.or(page.getByRole('heading', { name: 'Back at the client' })).waitFor();
    if (await approve.isVisible()) {
      for (const store of chosen) await page.getByLabel(store.name).check();
      await approve.click();
    }
    const second = await landOnCallback(page, client);
    assert.equal(second.searchParams.get('state'), 'app-state-2');
    assert.equal(second.searchParams.get('iss'), server.issuer);
    await exchangeForApiKey(second.searchParams.get('code')!, chosen);
  });

  test('a webapp: a staff member signs in on the back-office path, approves; code + PKCE at /oauth/token gives a back-office token', async (t) => {
    const page = await browser.freshPage();
    const { verifier, challenge } = pkcePair();
    await page.goto(
      authorizeUrl('/admin/oauth2-token/authorize', {
        client_id: webapp.client_id,
        redirect_uri: client.callbackUrl,
        response_type: 'code',
        scope: 'stores.view stores.products.view',
        state: 'webapp-state',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }),
    );
    await signIn(page, merchant.email, merchant.password);
    await page.getByRole('heading', { name: 'Back-office dashboard wants access' }).waitFor();
    assert.equal(await page.getByRole('checkbox').count(), 0, 'a webapp acts for its own store: no store choice');
    await page.getByRole('button', { name: 'Approve' }).click();

    const callback = await landOnCallback(page, client);
    assert.equal(callback.searchParams.get('state'), 'webapp-state');
    assert.equal(callback.searchParams.get('iss'), server.issuer);
    const code = callback.searchParams.get('code')!;
    assert.ok(code);

    const res = await fetchWithTimeout(`${server.issuer}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: webapp.client_id,
        client_secret: webapp.client_secret!,
        code,
        redirect_uri: client.callbackUrl,
        code_verifier: verifier,
      }),
    });
    const tokens = (await res.json()) as Record<string, string>;
    assert.equal(res.status, 200, JSON.stringify(tokens));
    assert.equal(tokens.owner_type, 'user');
    assert.ok(tokens.refresh_token);
    const claims = await verify(tokens.access_token!, 'at+jwt');
    assert.equal(claims.aud, 'backoffice');
    assert.deepEqual(claims.store, { id: stores[0]!.id, slug: stores[0]!.slug });
    assert.deepEqual(claims.owner, { type: 'user', id: tokens.owner_id });

    const skus = await referenceCall(t, '/admin/api/skus', tokens.access_token!);
    if (skus !== undefined) assert.ok(Array.isArray((skus as { data: unknown[] }).data));
    const storefront = await fetchWithTimeout(`${server.issuer}/api/skus`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    if (storefront.status !== 404) assert.equal(storefront.status, 403, 'a back-office token is refused by the storefront API');
  });

  test('a shopper on the storefront path: signs in to the store, approves; code + verifier alone gives a storefront token', async (t) => {
    const page = await browser.freshPage();
    const { verifier, challenge } = pkcePair();
    await page.goto(
      authorizeUrl('/oauth2-token/authorize', {
        client_id: salesChannel.client_id,
        redirect_uri: client.callbackUrl,
        scope: 'market:code:europe',
        state: 'shopper-state',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }),
    );
    await page.getByRole('heading', { name: 'Sign in to Harbour Books' }).waitFor();
    await signIn(page, shopper.email, shopper.password);
    await page.getByRole('heading', { name: 'Web shop wants access' }).waitFor();
    await page.getByRole('button', { name: 'Approve' }).click();

    const callback = await landOnCallback(page, client);
    assert.equal(callback.searchParams.get('state'), 'shopper-state');
    assert.equal(callback.searchParams.get('iss'), server.issuer);
    const code = callback.searchParams.get('code')!;
    assert.ok(code);

    const res = await fetchWithTimeout(`${server.issuer}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: salesChannel.client_id,
        code,
        redirect_uri: client.callbackUrl,
        code_verifier: verifier,
      }),
    });
    const tokens = (await res.json()) as Record<string, string>;
    assert.equal(res.status, 200, JSON.stringify(tokens));
    assert.equal(tokens.owner_type, 'customer');
    assert.ok(tokens.refresh_token);
    const claims = await verify(tokens.access_token!, 'at+jwt');
    assert.equal(claims.aud, 'storefront');
    assert.equal((claims.market as { id: string; code: string }).id, market.id);
    assert.equal((claims.market as { id: string; code: string }).code, 'europe');

    const skus = await referenceCall(t, '/api/skus', tokens.access_token!);
    if (skus !== undefined) assert.equal((skus as { data: unknown[] }).data.length, 1, 'the one SKU sellable in the market');
    const backOffice = await fetchWithTimeout(`${server.issuer}/admin/api/skus`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    if (backOffice.status !== 404) assert.equal(backOffice.status, 403, 'a storefront token is refused by the back-office API');
  });

  test('Deny: the browser lands on the callback with error=access_denied, state and iss, and no code', async () => {
    const page = await browser.freshPage();
    await page.goto(
      authorizeUrl('/oauth/authorize', { client_id: webapp.client_id, redirect_uri: client.callbackUrl, state: 'deny-state' }),
    );
    await signIn(page, denier.email, denier.password);
    await page.getByRole('button', { name: 'Deny' }).click();
    const callback = await landOnCallback(page, client);
    assert.equal(callback.searchParams.get('error'), 'access_denied');
    assert.equal(callback.searchParams.get('state'), 'deny-state');
    assert.equal(callback.searchParams.get('iss'), server.issuer);
    assert.equal(callback.searchParams.get('code'), null);
  });

  test('the sign-in and consent pages forbid framing and referrers, and load nothing from another origin', async () => {
    const page = await browser.freshPage();
    const requests: { url: string; navigation: boolean }[] = [];
    page.on('request', (r) => requests.push({ url: r.url(), navigation: r.isNavigationRequest() }));

    const signInResponse = await page.goto(
      authorizeUrl('/oauth/authorize', { client_id: webapp.client_id, redirect_uri: client.callbackUrl, state: 'h' }),
    );
    await assertPageHeaders(signInResponse, 'sign-in page');
    const consentShown = nextAuthorizePage(page);
    await signIn(page, inspector.email, inspector.password);
    await assertPageHeaders(await consentShown, 'consent page');
    await page.getByRole('button', { name: 'Approve' }).waitFor();

    const elsewhere = requests.filter((r) => new URL(r.url).origin !== server.issuer);
    assert.deepEqual(elsewhere, [], 'the pages made requests to another origin');
    assert.ok(requests.length >= 3, 'the requests were seen');

    // The only request that leaves the server's origin is the navigation to the client, on Approve.
    await page.getByRole('button', { name: 'Approve' }).click();
    await landOnCallback(page, client);
    const left = requests.filter((r) => new URL(r.url).origin !== server.issuer);
    assert.equal(left.length, 1, JSON.stringify(left));
    assert.ok(left[0]!.navigation && left[0]!.url.startsWith(`${client.callbackUrl}?`), JSON.stringify(left));
  });

  test('an unregistered redirect URI shows the 400 error page and the browser stays on the server', async () => {
    const page = await browser.freshPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const response = await page.goto(
      authorizeUrl('/oauth/authorize', { client_id: app.client_id, redirect_uri: `${client.origin}/elsewhere`, state: 'never-sent' }),
    );
    assert.equal(response?.status(), 400);
    await page.getByRole('heading', { name: 'This sign-in link does not work' }).waitFor();
    await page.getByRole('alert').waitFor();
    assert.equal(new URL(page.url()).origin, server.issuer);
    assert.deepEqual(
      requests.filter((u) => new URL(u).origin !== server.issuer),
      [],
    );
    assert.equal(client.received.filter((q) => q.get('state') === 'never-sent').length, 0);
  });
});
