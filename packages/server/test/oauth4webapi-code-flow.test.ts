import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as oauth from 'oauth4webapi';
import {
  approveUnlessSkipped,
  browserSkipReason,
  type ClientApp,
  landOnCallback,
  launchBrowser,
  provisioningClient,
  signIn,
  startClientApp,
  type TestBrowser,
} from './support/browser';
import { type ListeningApp, startListeningApp } from './support/listening-app';

/**
 * The authorization code flow as a third-party client would run it with oauth4webapi, unmodified:
 * discovery, PKCE, the authorization URL, a person in Chromium signing in and approving, then the
 * library's own validation of the authorization response (`iss` included, RFC 9207), the code
 * exchange and a refresh. (`allowInsecureRequests` only because the test server speaks http on
 * 127.0.0.1.)
 */
const skip = browserSkipReason();

describe('oauth4webapi runs the authorization code flow against Countersign', { skip, timeout: 60_000 }, () => {
  let server: ListeningApp;
  let client: ClientApp;
  let browser: TestBrowser;
  let as: oauth.AuthorizationServer;
  const insecure = { [oauth.allowInsecureRequests]: true } as const;
  const staff = { email: 'lee@merchant.invalid', password: 'lee staff password 1', name: 'Lee Staff' };
  const shopper = { email: 'kim@shopper.invalid', password: 'kim shopper password 1' };
  let webapp: { client_id: string; client_secret: string };
  let salesChannel: { client_id: string };

  before(async () => {
    client = await startClientApp();
    server = await startListeningApp();
    browser = await launchBrowser();
    const provision = provisioningClient(server.issuer);
    const store = await provision<{ id: string }>('/stores', { slug: 'corner-shop', name: 'Corner Shop', currency: 'EUR' });
    const user = await provision<{ id: string }>('/users', staff);
    await provision(`/stores/${store.id}/memberships`, { user_id: user.id, role: 'admin' });
    webapp = await provision(`/stores/${store.id}/credentials`, {
      mode: 'test',
      kind: 'webapp',
      name: 'Corner Shop admin',
      scopes: ['stores.view'],
      redirect_uris: [client.callbackUrl],
    });
    const location = await provision<{ id: string }>(`/stores/${store.id}/stock_locations`, { mode: 'test', code: 'main', name: 'Main' });
    const prices = await provision<{ id: string }>(`/stores/${store.id}/price_lists`, {
      mode: 'test',
      code: 'eur',
      name: 'EUR',
      currency: 'EUR',
    });
    await provision(`/stores/${store.id}/markets`, {
      mode: 'test',
      code: 'home',
      name: 'Home',
      active: true,
      price_list_id: prices.id,
      stock_location_ids: [location.id],
    });
    salesChannel = await provision(`/stores/${store.id}/credentials`, {
      mode: 'test',
      kind: 'sales_channel',
      name: 'Corner Shop web',
      scopes: [],
      redirect_uris: [client.callbackUrl],
    });
    await provision(`/stores/${store.id}/customers`, { mode: 'test', ...shopper });

    const issuer = new URL(server.issuer);
    as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }));
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await client?.close();
  });

  /** What an app does: PKCE and state, the URL from the metadata; a person signs in and approves. */
  async function authorize(
    endpoint: string,
    clientId: string,
    person: { email: string; password: string },
    extra: Record<string, string> = {},
  ) {
    const codeVerifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const url = new URL(endpoint);
    url.searchParams.set('client_id', clientId);
    url.searchParams.set('redirect_uri', client.callbackUrl);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier));
    url.searchParams.set('code_challenge_method', 'S256');
    url.searchParams.set('state', state);
    for (const [k, v] of Object.entries(extra)) url.searchParams.set(k, v);

    const page = await browser.freshPage();
    await page.goto(url.toString());
    await signIn(page, person.email, person.password);
    await approveUnlessSkipped(page);
    return { callbackUrl: await landOnCallback(page, client), codeVerifier, state };
  }

  test('a confidential webapp: iss-validated authorization response, code + PKCE with client_secret_basic, then a refresh', async () => {
    assert.equal(as.authorization_response_iss_parameter_supported, true);
    const oauthClient: oauth.Client = { client_id: webapp.client_id };
    const auth = oauth.ClientSecretBasic(webapp.client_secret);
    const { callbackUrl, codeVerifier, state } = await authorize(as.authorization_endpoint!, webapp.client_id, staff);

    const params = oauth.validateAuthResponse(as, oauthClient, callbackUrl, state);
    const response = await oauth.authorizationCodeGrantRequest(as, oauthClient, auth, params, client.callbackUrl, codeVerifier, insecure);
    const tokens = await oauth.processAuthorizationCodeResponse(as, oauthClient, response);
    assert.equal(tokens.token_type, 'bearer');
    assert.equal(tokens.scope, 'stores.view');
    assert.ok(tokens.refresh_token);
    const claims = await oauth.validateJwtAccessToken(as, bearer(tokens.access_token), 'backoffice', insecure);
    assert.equal(claims.client_id, webapp.client_id);

    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      oauthClient,
      await oauth.refreshTokenGrantRequest(as, oauthClient, auth, tokens.refresh_token, insecure),
    );
    assert.ok(refreshed.access_token);
    assert.ok(refreshed.refresh_token);
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token, 'refresh tokens rotate');
    await oauth.validateJwtAccessToken(as, bearer(refreshed.access_token), 'backoffice', insecure);

    // The rotated-away refresh token is refused, as the library reports an OAuth error.
    const replay = await oauth.refreshTokenGrantRequest(as, oauthClient, auth, tokens.refresh_token, insecure);
    await assert.rejects(oauth.processRefreshTokenResponse(as, oauthClient, replay), (error: unknown) => {
      assert.ok(error instanceof oauth.ResponseBodyError);
      assert.equal(error.error, 'invalid_grant');
      return true;
    });
  });

  test('a public sales channel on the storefront path: code + verifier with client id alone, then a refresh', async () => {
    // The storefront alias of the authorization endpoint (SPEC §3), where shoppers sign in.
    const storefront = new URL('/oauth2-token/authorize', as.issuer).toString();
    const oauthClient: oauth.Client = { client_id: salesChannel.client_id, token_endpoint_auth_method: 'none' };
    const { callbackUrl, codeVerifier, state } = await authorize(storefront, salesChannel.client_id, shopper, {
      scope: 'market:code:home',
    });
    const params = oauth.validateAuthResponse(as, oauthClient, callbackUrl, state);
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      oauthClient,
      await oauth.authorizationCodeGrantRequest(as, oauthClient, oauth.None(), params, client.callbackUrl, codeVerifier, insecure),
    );
    const claims = await oauth.validateJwtAccessToken(as, bearer(tokens.access_token), 'storefront', insecure);
    assert.equal((claims.market as { code: string }).code, 'home');
    assert.ok(tokens.refresh_token);
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      oauthClient,
      await oauth.refreshTokenGrantRequest(as, oauthClient, oauth.None(), tokens.refresh_token, insecure),
    );
    assert.equal(refreshed.scope, 'market:code:home');
  });

  test('an authorization response from another issuer is refused by the library (RFC 9207)', async () => {
    const oauthClient: oauth.Client = { client_id: webapp.client_id };
    const { callbackUrl, state } = await authorize(as.authorization_endpoint!, webapp.client_id, staff);
    const forged = new URL(callbackUrl);
    forged.searchParams.set('iss', 'http://127.0.0.1:1');
    assert.throws(() => oauth.validateAuthResponse(as, oauthClient, forged, state), oauth.OperationProcessingError);
    // The genuine one still validates.
    oauth.validateAuthResponse(as, oauthClient, callbackUrl, state);
  });
});

const bearer = (token: string) => new Request('http://127.0.0.1/resource', { headers: { authorization: `Bearer ${token}` } });
