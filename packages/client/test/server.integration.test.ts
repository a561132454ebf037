import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type CryptoKey, exportJWK, generateKeyPair } from 'jose';
import {
  authenticate,
  authorizeUrl,
  type CountersignClientError,
  codeChallengeS256,
  createTokenManager,
  decodeToken,
  ExchangeError,
  exchangeCode,
  generateCodeVerifier,
  generateState,
  InvalidTokenError,
  isCountersignClientError,
  OAuthResponseError,
  refresh,
  revoke,
  signAssertion,
  verifyToken,
} from '../src/index.js';
import { authorizeInBrowser } from './support/authorize-in-browser.js';
import { type CountersignServer, startCountersign } from './support/countersign-server.js';

/**
 * The SDK against a real Countersign server (its own process, SQLite in a temporary directory),
 * seeded through the provisioning API: every grant, the browser flow through the sign-in and consent
 * pages, the app exchange, revocation, key rotation, the token manager and the error codes.
 */

interface Seeded {
  store: { id: string; slug: string };
  market: { id: string; code: string };
  customer: { id: string; email: string; password: string };
  staff: { id: string; email: string; password: string };
  salesChannel: { clientId: string; redirectUri: string };
  integration: { clientId: string; clientSecret: string };
  webapp: { clientId: string; clientSecret: string; redirectUri: string };
  app: { clientId: string; clientSecret: string; redirectUri: string };
  assertionKey: { privateKey: CryptoKey; kid: string };
}

async function seed(server: CountersignServer): Promise<Seeded> {
  const tag = randomBytes(4).toString('hex');
  const secret = () => randomBytes(18).toString('base64url');
  const store = await server.admin<{ id: string; slug: string }>('POST', '/stores', {
    slug: `sdk-${tag}`,
    name: 'SDK Shop',
    currency: 'EUR',
  });
  const at = (collection: string) => `/stores/${store.id}/${collection}`;
  const priceList = await server.admin<{ id: string }>('POST', at('price_lists'), {
    mode: 'test',
    code: 'eu',
    name: 'EU',
    currency: 'EUR',
  });
  const stock = await server.admin<{ id: string }>('POST', at('stock_locations'), { mode: 'test', code: 'wh', name: 'Warehouse' });
  const market = await server.admin<{ id: string; code: string }>('POST', at('markets'), {
    mode: 'test',
    code: 'europe',
    name: 'Europe',
    price_list_id: priceList.id,
    stock_location_ids: [stock.id],
  });
  const customerPassword = secret();
  const customer = await server.admin<{ id: string; email: string }>('POST', at('customers'), {
    mode: 'test',
    email: `shopper-${tag}@sdk.invalid`,
    password: customerPassword,
  });
  const staffPassword = secret();
  const staff = await server.admin<{ id: string; email: string }>('POST', '/users', {
    email: `owner-${tag}@sdk.invalid`,
    password: staffPassword,
    name: 'Olive Owner',
  });
  await server.admin('POST', at('memberships'), { user_id: staff.id, role: 'owner' });

  // Generated per run: no private key is ever committed.
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: `sdk-${tag}`, alg: 'ES256', use: 'sig' }] };
  const salesChannelRedirect = 'http://127.0.0.1/shop/callback';
  const salesChannel = await server.admin<{ client_id: string }>('POST', at('credentials'), {
    mode: 'test',
    kind: 'sales_channel',
    name: 'Storefront',
    redirect_uris: [salesChannelRedirect],
    jwks,
  });
  const integration = await server.admin<{ client_id: string; client_secret: string }>('POST', at('credentials'), {
    mode: 'test',
    kind: 'integration',
    name: 'ERP',
    scopes: ['stores.view', 'stores.products.view'],
    jwks,
  });
  const webappRedirect = 'http://127.0.0.1/backoffice/callback';
  const webapp = await server.admin<{ client_id: string; client_secret: string }>('POST', at('credentials'), {
    mode: 'test',
    kind: 'webapp',
    name: 'Back office',
    scopes: ['stores.view', 'stores.products.view'],
    redirect_uris: [webappRedirect],
  });
  const appRedirect = 'http://127.0.0.1/app/callback';
  const app = await server.admin<{ client_id: string; client_secret: string }>('POST', '/apps', {
    owner_user_id: staff.id,
    name: 'Insights',
    homepage: 'https://insights.example',
    scopes: ['stores.view', 'stores.orders.view'],
    redirect_uris: [appRedirect],
    confidential: true,
  });
  return {
    store,
    market,
    customer: { id: customer.id, email: customer.email, password: customerPassword },
    staff: { id: staff.id, email: staff.email, password: staffPassword },
    salesChannel: { clientId: salesChannel.client_id, redirectUri: salesChannelRedirect },
    integration: { clientId: integration.client_id, clientSecret: integration.client_secret },
    webapp: { clientId: webapp.client_id, clientSecret: webapp.client_secret, redirectUri: webappRedirect },
    app: { clientId: app.client_id, clientSecret: app.client_secret, redirectUri: appRedirect },
    assertionKey: { privateKey, kid: `sdk-${tag}` },
  };
}

/** A fetch that counts the requests made through it, by grant type. */
function countingFetch() {
  const grants: string[] = [];
  const fetchImpl = ((input: string | URL | Request, init?: RequestInit) => {
    grants.push(typeof init?.body === 'string' ? (new URLSearchParams(init.body).get('grant_type') ?? '') : String(input));
    return fetch(input, init);
  }) as typeof fetch;
  return { fetch: fetchImpl, grants };
}

const rejectsWith = async (promise: Promise<unknown>, check: (error: CountersignClientError) => boolean) =>
  assert.rejects(promise, (error: unknown) => {
    assert.ok(isCountersignClientError(error), String(error));
    assert.ok(check(error), `${error.name} ${error.code}: ${error.message}`);
    return true;
  });

describe('the SDK against a running Countersign server', { timeout: 600_000 }, () => {
  let server: CountersignServer | undefined;
  let w: Seeded;
  let issuer: string;

  before(
    async () => {
      server = await startCountersign();
      issuer = server.issuer;
      w = await seed(server);
    },
    { timeout: 180_000 },
  );
  after(() => server?.stop(), { timeout: 30_000 });

  const testTimeout = { timeout: 60_000 };

  test('client_credentials: an integration with its secret; a sales channel as a guest in a market', testTimeout, async () => {
    const own = await authenticate('client_credentials', {
      issuer,
      clientId: w.integration.clientId,
      clientSecret: w.integration.clientSecret,
    });
    assert.equal(own.tokenType, 'Bearer');
    assert.equal(own.expiresIn, 7200);
    assert.equal(own.expires.getTime(), (own.createdAt + own.expiresIn) * 1000);
    assert.equal(own.scope, 'stores.view stores.products.view');
    assert.equal(own.refreshToken, undefined);
    const { header, payload } = decodeToken(own.accessToken);
    assert.equal(header.typ, 'at+jwt');
    assert.equal(payload.iss, issuer);
    assert.equal(payload.aud, 'backoffice');
    assert.equal(payload.test, true);
    assert.deepEqual(payload.store, { id: w.store.id, slug: w.store.slug });
    assert.equal(payload.application.kind, 'integration');

    const guest = await authenticate('client_credentials', { issuer, clientId: w.salesChannel.clientId, scope: 'market:code:europe' });
    const claims = decodeToken(guest.accessToken).payload;
    assert.equal(claims.aud, 'storefront');
    assert.equal(claims.market?.id, w.market.id);
    assert.equal(guest.expiresIn, 14400);
  });

  test('password: a shopper gets a refresh token; refreshing rotates it, and a rotated one revokes the grant', testTimeout, async () => {
    const client = { issuer, clientId: w.salesChannel.clientId };
    const first = await authenticate('password', {
      ...client,
      username: w.customer.email,
      password: w.customer.password,
      scope: ['market:code:europe'],
    });
    assert.equal(first.ownerType, 'customer');
    assert.equal(first.ownerId, w.customer.id);
    assert.ok(first.refreshToken);
    const second = await refresh(first.refreshToken, client);
    assert.ok(second.refreshToken && second.refreshToken !== first.refreshToken);
    assert.equal(decodeToken(second.accessToken).payload.owner?.id, w.customer.id);
    await rejectsWith(refresh(first.refreshToken, client), (e) => e.code === 'invalid_grant');
    await rejectsWith(refresh(second.refreshToken, client), (e) => e.code === 'invalid_grant');
  });

  test('authorization_code: staff on the back-office path (webapp, PKCE); the code works once', testTimeout, async () => {
    const verifier = generateCodeVerifier();
    const state = generateState();
    const url = authorizeUrl({
      issuer,
      clientId: w.webapp.clientId,
      redirectUri: w.webapp.redirectUri,
      scope: 'stores.view',
      state,
      codeChallenge: await codeChallengeS256(verifier),
      path: '/admin/oauth2-token/authorize',
    });
    const callback = await authorizeInBrowser(url, w.webapp.redirectUri, w.staff);
    assert.equal(callback.get('state'), state);
    assert.equal(callback.get('iss'), issuer);
    const code = callback.get('code') ?? '';
    const client = { issuer, clientId: w.webapp.clientId, clientSecret: w.webapp.clientSecret };
    const tokens = await authenticate('authorization_code', { ...client, code, redirectUri: w.webapp.redirectUri, codeVerifier: verifier });
    assert.equal(tokens.ownerType, 'user');
    assert.equal(tokens.ownerId, w.staff.id);
    assert.equal(tokens.scope, 'stores.view');
    assert.ok(tokens.refreshToken);
    assert.ok((await refresh(tokens.refreshToken, client)).refreshToken);
    await rejectsWith(
      authenticate('authorization_code', { ...client, code, redirectUri: w.webapp.redirectUri, codeVerifier: verifier }),
      (e) => e.code === 'invalid_grant',
    );
  });

  test(
    'authorization_code: a shopper on the storefront path (public sales channel, PKCE only); Deny comes back as access_denied',
    testTimeout,
    async () => {
      const verifier = generateCodeVerifier();
      const request = {
        issuer,
        clientId: w.salesChannel.clientId,
        redirectUri: w.salesChannel.redirectUri,
        scope: 'market:code:europe',
        codeChallenge: await codeChallengeS256(verifier),
        path: '/oauth2-token/authorize' as const,
      };
      const denied = await authorizeInBrowser(
        authorizeUrl({ ...request, state: 'denied' }),
        w.salesChannel.redirectUri,
        w.customer,
        'Deny',
      );
      assert.equal(denied.get('error'), 'access_denied');
      assert.equal(denied.get('state'), 'denied');

      const callback = await authorizeInBrowser(authorizeUrl({ ...request, state: 'ok' }), w.salesChannel.redirectUri, w.customer);
      const tokens = await authenticate('authorization_code', {
        issuer,
        clientId: w.salesChannel.clientId,
        code: callback.get('code') ?? '',
        redirectUri: w.salesChannel.redirectUri,
        codeVerifier: verifier,
      });
      assert.equal(tokens.ownerType, 'customer');
      assert.equal(decodeToken(tokens.accessToken).payload.market?.code, 'europe');
    },
  );

  test(
    'the app exchange: an API key for the chosen stores, verified and revoked; envelope codes as ExchangeError',
    testTimeout,
    async () => {
      /** A code for the app, approved on the consent page (all stores ticked), with a PKCE challenge of `verifier`. */
      const approvedCode = async (verifier: string) =>
        (
          await authorizeInBrowser(
            authorizeUrl({
              issuer,
              clientId: w.app.clientId,
              redirectUri: w.app.redirectUri,
              state: generateState(),
              codeChallenge: await codeChallengeS256(verifier),
            }),
            w.app.redirectUri,
            w.staff,
          )
        ).get('code') ?? '';
      const app = { issuer, clientId: w.app.clientId, clientSecret: w.app.clientSecret };
      const base = { issuer, appId: w.app.clientId, clientSecret: w.app.clientSecret, userAgent: 'SdkTests/1.0' };

      const verifier = generateCodeVerifier();
      const exchange = { ...base, code: await approvedCode(verifier), codeVerifier: verifier };
      // Steps 1–3 never consume the code (SPEC §3).
      await rejectsWith(
        exchangeCode({ ...exchange, clientSecret: 'not-the-secret' }),
        (e) => e instanceof ExchangeError && e.code === 'invalid_client_secret' && e.status === 401,
      );
      await rejectsWith(
        exchangeCode({ ...exchange, appId: 'no-such-app' }),
        (e) => e instanceof ExchangeError && e.code === 'app_not_found' && e.status === 404,
      );
      const apiKey = await exchangeCode(exchange);

      const jwksUri = `${issuer}/.well-known/jwks.json`;
      const claims = await verifyToken(apiKey, { issuer, jwksUri, apiKeys: true });
      assert.deepEqual(claims.stores, [{ id: w.store.id, slug: w.store.slug }]);
      assert.equal(claims.exp, undefined);
      assert.equal(decodeToken(apiKey).header.typ, 'api-key+jwt');
      await assert.rejects(verifyToken(apiKey, { issuer, jwksUri }), InvalidTokenError, 'an API key is no access token');
      assert.equal((await introspect(app, apiKey)).active, true);
      await revoke(apiKey, app);
      assert.equal((await introspect(app, apiKey)).active, false);

      // A code used twice: invalid_code, and the grant of its first use is revoked (RFC 6749 §4.1.2).
      const again = generateCodeVerifier();
      const replayed = { ...base, code: await approvedCode(again), codeVerifier: again };
      const secondKey = await exchangeCode(replayed);
      assert.equal((await introspect(app, secondKey)).active, true);
      await rejectsWith(exchangeCode(replayed), (e) => e instanceof ExchangeError && e.code === 'invalid_code' && e.status === 400);
      assert.equal((await introspect(app, secondKey)).active, false);

      // A wrong PKCE verifier.
      await rejectsWith(
        exchangeCode({ ...base, code: await approvedCode(generateCodeVerifier()), codeVerifier: generateCodeVerifier() }),
        (e) => e instanceof ExchangeError && e.code === 'invalid_code',
      );
    },
  );
  test('JWT bearer: a signed assertion for a customer, custom_claim copied; an assertion is accepted once', testTimeout, async () => {
    const assertionFor = (clientId: string) =>
      signAssertion({
        privateKey: w.assertionKey.privateKey,
        alg: 'ES256',
        kid: w.assertionKey.kid,
        issuer,
        clientId,
        subject: w.customer.id,
        ownerType: 'customer',
        customClaim: { tier: 'gold' },
      });
    const integration = { issuer, clientId: w.integration.clientId, clientSecret: w.integration.clientSecret };
    const assertion = await assertionFor(w.integration.clientId);
    const tokens = await authenticate('urn:ietf:params:oauth:grant-type:jwt-bearer', { ...integration, assertion });
    assert.equal(tokens.ownerType, 'customer');
    assert.deepEqual(decodeToken(tokens.accessToken).payload.custom_claim, { tier: 'gold' });
    await rejectsWith(authenticate('jwt_bearer', { ...integration, assertion }), (e) => e.code === 'invalid_grant');

    const shopper = await authenticate('jwt_bearer', {
      issuer,
      clientId: w.salesChannel.clientId,
      assertion: await assertionFor(w.salesChannel.clientId),
      scope: 'market:code:europe',
    });
    assert.equal(shopper.ownerId, w.customer.id);
    assert.ok(shopper.refreshToken);
  });

  test('revoke: an access token by its jti, a refresh token with its grant; another client’s token is refused', testTimeout, async () => {
    const integration = { issuer, clientId: w.integration.clientId, clientSecret: w.integration.clientSecret };
    const own = await authenticate('client_credentials', integration);
    assert.equal((await introspect(integration, own.accessToken)).active, true);
    await rejectsWith(
      revoke(own.accessToken, { issuer, clientId: w.webapp.clientId, clientSecret: w.webapp.clientSecret }),
      (e) => e instanceof OAuthResponseError && e.code === 'unauthorized_client' && e.status === 403,
    );
    assert.equal((await introspect(integration, own.accessToken)).active, true);
    await revoke(own.accessToken, { ...integration, tokenTypeHint: 'access_token' });
    assert.equal((await introspect(integration, own.accessToken)).active, false);
    await revoke('not-a-token-at-all', integration);

    const salesChannel = { issuer, clientId: w.salesChannel.clientId };
    const shopper = await authenticate('password', {
      ...salesChannel,
      username: w.customer.email,
      password: w.customer.password,
      scope: 'market:code:europe',
    });
    await revoke(shopper.refreshToken ?? '', salesChannel);
    await rejectsWith(refresh(shopper.refreshToken ?? '', salesChannel), (e) => e.code === 'invalid_grant');
  });

  test(
    'the token manager: 50 concurrent callers make one token request; invalidate renews with the refresh token',
    testTimeout,
    async () => {
      const counted = countingFetch();
      const integration = { issuer, clientId: w.integration.clientId, clientSecret: w.integration.clientSecret, fetch: counted.fetch };
      const manager = createTokenManager({ get: () => authenticate('client_credentials', integration) });
      const tokens = await Promise.all(Array.from({ length: 50 }, () => manager.token()));
      assert.equal(counted.grants.length, 1);
      assert.equal(new Set(tokens).size, 1);
      await verifyToken(tokens[0] ?? '', { issuer, jwksUri: `${issuer}/.well-known/jwks.json` });
      manager.invalidate();
      assert.notEqual(await manager.token(), tokens[0]);
      assert.deepEqual(counted.grants, ['client_credentials', 'client_credentials']);

      const shopperFetch = countingFetch();
      const salesChannel = { issuer, clientId: w.salesChannel.clientId, fetch: shopperFetch.fetch };
      const shopper = createTokenManager({
        get: () =>
          authenticate('password', {
            ...salesChannel,
            username: w.customer.email,
            password: w.customer.password,
            scope: 'market:code:europe',
          }),
        refresh: (refreshToken) => refresh(refreshToken, salesChannel),
      });
      await Promise.all(Array.from({ length: 50 }, () => shopper.token()));
      shopper.invalidate();
      await Promise.all(Array.from({ length: 50 }, () => shopper.token()));
      assert.deepEqual(shopperFetch.grants, ['password', 'refresh_token']);
    },
  );

  test(
    'error codes: a wrong secret, an unknown grant, a bad code, a grant the kind may not use, an unknown scope',
    testTimeout,
    async () => {
      await rejectsWith(
        authenticate('client_credentials', { issuer, clientId: w.integration.clientId, clientSecret: 'wrong-secret' }),
        (e) => e instanceof OAuthResponseError && e.code === 'invalid_client' && e.status === 401,
      );
      await rejectsWith(
        authenticate('client_credentials', { issuer, clientId: 'no-such-client', clientSecret: 'wrong-secret' }),
        (e) => e instanceof OAuthResponseError && e.code === 'invalid_client' && e.status === 401,
      );
      await rejectsWith(
        (authenticate as (grant: string, options: object) => Promise<unknown>)('implicit', { issuer, clientId: w.salesChannel.clientId }),
        (e) => e instanceof OAuthResponseError && e.code === 'unsupported_grant_type' && e.status === 400,
      );
      await rejectsWith(
        authenticate('authorization_code', {
          issuer,
          clientId: w.webapp.clientId,
          clientSecret: w.webapp.clientSecret,
          code: 'made-up',
          redirectUri: w.webapp.redirectUri,
        }),
        (e) => e instanceof OAuthResponseError && e.code === 'invalid_grant',
      );
      await rejectsWith(
        authenticate('password', {
          issuer,
          clientId: w.integration.clientId,
          clientSecret: w.integration.clientSecret,
          username: w.customer.email,
          password: w.customer.password,
        }),
        (e) => e instanceof OAuthResponseError && e.code === 'unauthorized_client',
      );
      await rejectsWith(
        authenticate('client_credentials', {
          issuer,
          clientId: w.integration.clientId,
          clientSecret: w.integration.clientSecret,
          scope: 'stores.orders.refund',
        }),
        (e) => e instanceof OAuthResponseError && e.code === 'invalid_scope',
      );
      await rejectsWith(
        authenticate('client_credentials', { issuer, clientId: w.salesChannel.clientId }),
        (e) => e instanceof OAuthResponseError && e.code === 'invalid_scope',
      );
      await rejectsWith(
        authenticate('password', {
          issuer,
          clientId: w.salesChannel.clientId,
          username: w.customer.email,
          password: 'not-the-password',
          scope: 'market:code:europe',
        }),
        (e) => e instanceof OAuthResponseError && e.code === 'invalid_grant',
      );
    },
  );

  // Last: a compromised rotation revokes what the dropped key signed.
  test(
    'verifyToken follows key rotation: new keys are fetched, retired ones still verify, a dropped one does not',
    testTimeout,
    async () => {
      const integration = { issuer, clientId: w.integration.clientId, clientSecret: w.integration.clientSecret };
      const jwksFetches: string[] = [];
      const jwksFetch = ((input: string | URL | Request, init?: RequestInit) => {
        jwksFetches.push(String(input));
        return fetch(input, init);
      }) as typeof fetch;
      const options = { issuer, jwksUri: `${issuer}/.well-known/jwks.json`, fetch: jwksFetch, jwksCooldown: 0 };

      const before = (await authenticate('client_credentials', integration)).accessToken;
      await verifyToken(before, options);
      assert.equal(jwksFetches.length, 1);

      // Twice, so that the new current key was not even published as "next" when the JWKS was fetched.
      await server?.admin('POST', '/keys/rotate', {}, 200);
      await server?.admin('POST', '/keys/rotate', {}, 200);
      const afterRotation = (await authenticate('client_credentials', integration)).accessToken;
      assert.notEqual(decodeToken(afterRotation).header.kid, decodeToken(before).header.kid);
      await verifyToken(afterRotation, options);
      assert.equal(jwksFetches.length, 2, 'an unknown kid fetches the JWKS again');
      await verifyToken(before, options);

      await server?.admin('POST', '/keys/rotate', { compromised: true }, 200);
      const fresh = { ...options, fetch: ((input: string | URL | Request, init?: RequestInit) => fetch(input, init)) as typeof fetch };
      await assert.rejects(
        verifyToken(afterRotation, fresh),
        (error: unknown) => error instanceof InvalidTokenError && error.reason === 'signature',
      );
    },
  );

  async function introspect(client: { issuer: string; clientId: string; clientSecret: string }, token: string) {
    const response = await fetch(`${client.issuer}/oauth/introspect`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${btoa(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`)}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token }).toString(),
      signal: AbortSignal.timeout(30_000),
    });
    assert.equal(response.status, 200);
    return (await response.json()) as { active: boolean };
  }
});
