import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as oauth from 'oauth4webapi';
import { Fixtures } from './support/fixtures';
import { type ListeningApp, startListeningApp } from './support/listening-app';

/**
 * Countersign driven as a third-party client would: oauth4webapi, unmodified, over real HTTP.
 * (`allowInsecureRequests` only because the test server speaks http on 127.0.0.1.)
 */
describe('a standard OAuth client library (oauth4webapi) against Countersign', () => {
  let server: ListeningApp;
  let integration: { clientId: string; secret?: string };
  let salesChannel: { clientId: string };
  const insecure = { [oauth.allowInsecureRequests]: true } as const;

  before(async () => {
    server = await startListeningApp();
    const f = new Fixtures(server.deps.storage.db, server.deps.secretHasher, server.deps.changes);
    const store = await f.store('lib-store');
    const location = await f.stockLocation(store.id, 'test', 'eu');
    const prices = await f.priceList(store.id, 'test', 'eur');
    await f.market(store.id, 'test', 'europe', { priceListId: prices.id, stockLocationIds: [location.id] });
    integration = await f.credential(store.id, 'test', 'integration', { scopes: ['stores.view'] });
    salesChannel = await f.credential(store.id, 'test', 'sales_channel');
  });
  after(() => server.close());

  async function discover() {
    const issuer = new URL(server.issuer);
    return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }));
  }

  test('metadata discovery, client_credentials with client_secret_basic, and RFC 9068 validation against the JWKS', async () => {
    const as = await discover();
    assert.equal(as.issuer, server.issuer);
    const client: oauth.Client = { client_id: integration.clientId };
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      client,
      oauth.ClientSecretBasic(integration.secret!),
      { scope: 'stores.view' },
      insecure,
    );
    const tokens = await oauth.processClientCredentialsResponse(as, client, response);
    assert.equal(tokens.token_type, 'bearer');
    assert.equal(tokens.scope, 'stores.view');

    const request = new Request('http://127.0.0.1/api', { headers: { authorization: `Bearer ${tokens.access_token}` } });
    const claims = await oauth.validateJwtAccessToken(as, request, 'backoffice', insecure);
    assert.equal(claims.iss, server.issuer);
    assert.equal(claims.client_id, integration.clientId);
    assert.equal(claims.sub, integration.clientId);
  });

  test('client_secret_post works too', async () => {
    const as = await discover();
    const client: oauth.Client = { client_id: integration.clientId };
    const response = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretPost(integration.secret!), {}, insecure);
    const tokens = await oauth.processClientCredentialsResponse(as, client, response);
    assert.ok(tokens.access_token);
  });

  test('a public sales channel authenticates with its client id alone and gets a storefront token', async () => {
    const as = await discover();
    const client: oauth.Client = { client_id: salesChannel.clientId };
    const response = await oauth.clientCredentialsGrantRequest(as, client, oauth.None(), { scope: 'market:code:europe' }, insecure);
    const tokens = await oauth.processClientCredentialsResponse(as, client, response);
    const request = new Request('http://127.0.0.1/api', { headers: { authorization: `Bearer ${tokens.access_token}` } });
    const claims = await oauth.validateJwtAccessToken(as, request, 'storefront', insecure);
    assert.equal((claims.market as { code: string }).code, 'europe');
  });

  test("a wrong secret surfaces as the library's 401 Basic challenge error", async () => {
    const as = await discover();
    const client: oauth.Client = { client_id: integration.clientId };
    const response = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic('w'.repeat(72)), {}, insecure);
    await assert.rejects(oauth.processClientCredentialsResponse(as, client, response), (error: unknown) => {
      // RFC 6749 §5.2: a 401 carries WWW-Authenticate, which oauth4webapi reports as a challenge error.
      assert.ok(error instanceof oauth.WWWAuthenticateChallengeError);
      assert.equal(error.status, 401);
      assert.equal(error.cause[0]?.scheme, 'basic');
      return true;
    });
  });
});
