import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { shopWorld } from './support/shop-world';
import { startTestApp, type TestApp } from './support/test-app';

const GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const ISSUER = 'http://127.0.0.1:4000';

describe('POST /oauth/token with the JWT bearer grant (RFC 7523 §2.1, SPEC §3)', () => {
  let t: TestApp;
  let w: Awaited<ReturnType<typeof shopWorld>>;
  let key: CryptoKey;
  let jwk: JWK;
  let integration: { clientId: string; secret?: string };
  let webapp: { clientId: string; secret?: string };
  let channel: { clientId: string };
  let staff: { id: string };
  let member: { id: string };

  const assertion = (claims: Record<string, unknown>, options: { alg?: string; signWith?: CryptoKey | Uint8Array; iss?: string } = {}) => {
    const now = Math.floor(t.clock.now() / 1000);
    return new SignJWT({ owner_type: 'customer', jti: randomUUID(), ...claims })
      .setProtectedHeader({ alg: options.alg ?? 'ES256', kid: 'k1' })
      .setIssuer(options.iss ?? integration.clientId)
      .setAudience((claims.aud as string) ?? ISSUER)
      .setIssuedAt(now)
      .setExpirationTime(now + 120)
      .sign(options.signWith ?? key);
  };
  const exchange = (client: { clientId: string; secret?: string }, jwt: string, scope?: string) =>
    w.token({ grant_type: GRANT, client_id: client.clientId, client_secret: client.secret, assertion: jwt, scope });

  before(async () => {
    t = await startTestApp();
    w = await shopWorld(t);
    ({ privateKey: key } = await generateKeyPair('ES256', { extractable: true }));
    const { publicKey } = await generateKeyPair('ES256', { extractable: true }).then(async () => ({ publicKey: key }));
    jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
    delete jwk.d;
    const jwks = { keys: [jwk] };
    integration = await w.f.credential(w.store.id, 'test', 'integration', { scopes: ['stores.view', 'stores.orders.view'], jwks });
    webapp = await w.f.credential(w.store.id, 'test', 'webapp', {
      scopes: ['stores.view', 'stores.orders.update'],
      jwks,
      redirectUris: ['https://app.example/cb'],
    });
    channel = await w.f.credential(w.store.id, 'test', 'sales_channel', { jwks });
    const owner = await w.f.user('owner@shop.invalid');
    await w.f.membership(w.store.id, owner.id, 'owner');
    staff = owner;
    const plain = await w.f.user('member@shop.invalid');
    await w.f.membership(w.store.id, plain.id, 'member');
    member = plain;
  });
  after(() => t.close());

  test('an integration acts for a customer: owner claims, custom_claim copied, no refresh token', async () => {
    const res = await exchange(integration, await assertion({ sub: w.shopper.id, custom_claim: { cart: 'c-1', tier: 2 } }));
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.owner_type, 'customer');
    assert.equal(body.owner_id, w.shopper.id);
    assert.equal(body.refresh_token, undefined, 'integrations may not use refresh_token, so they get none');
    const claims = await w.claims(body.access_token);
    assert.deepEqual(claims.custom_claim, { cart: 'c-1', tier: 2 });
    assert.deepEqual(claims.owner, { type: 'customer', id: w.shopper.id });
    assert.equal(claims.sub, w.shopper.id);
    assert.equal(claims.aud, 'backoffice');
  });

  test('a webapp acts for a staff member, and gets a refresh token', async () => {
    const res = await exchange(webapp, await assertion({ sub: staff.id, owner_type: 'user' }, { iss: webapp.clientId }));
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().owner_type, 'user');
    assert.ok(res.json().refresh_token);
    assert.equal(res.json().scope, 'stores.view stores.orders.update');
  });

  test('a member holds only the *.view scopes; a role lost since fails the refresh and revokes the grant', async () => {
    const asMember = await exchange(webapp, await assertion({ sub: member.id, owner_type: 'user' }, { iss: webapp.clientId }));
    assert.equal(asMember.json().scope, 'stores.view');
    const asOwner = (await exchange(webapp, await assertion({ sub: staff.id, owner_type: 'user' }, { iss: webapp.clientId }))).json();
    await t.deps.storage.db.updateTable('memberships').set({ role: 'member' }).where('user_id', '=', staff.id).execute();
    t.deps.changes.publish({ collection: 'memberships', id: staff.id });
    try {
      const res = await w.token({
        grant_type: 'refresh_token',
        client_id: webapp.clientId,
        client_secret: webapp.secret,
        refresh_token: asOwner.refresh_token,
      });
      assert.equal(res.json().error, 'invalid_grant');
    } finally {
      await t.deps.storage.db.updateTable('memberships').set({ role: 'owner' }).where('user_id', '=', staff.id).execute();
      t.deps.changes.publish({ collection: 'memberships', id: staff.id });
    }
  });

  test('a sales channel acts for a customer with a market, and gets a refresh token', async () => {
    const res = await exchange(channel, await assertion({ sub: w.vipShopper.id }, { iss: channel.clientId }), 'market:code:vip');
    assert.equal(res.statusCode, 200, res.body);
    assert.ok(res.json().refresh_token);
    assert.equal((await w.claims(res.json().access_token)).aud, 'storefront');
  });

  test('a credential without a registered jwks is unauthorized_client', async () => {
    const bare = await w.f.credential(w.store.id, 'test', 'integration');
    const res = await exchange(bare, await assertion({ sub: w.shopper.id }, { iss: bare.clientId }));
    assert.equal(res.json().error, 'unauthorized_client');
  });

  test('HMAC and alg none assertions are invalid_grant', async () => {
    const hmac = await assertion({ sub: w.shopper.id }, { alg: 'HS256', signWith: new TextEncoder().encode('x'.repeat(32)) });
    assert.equal((await exchange(integration, hmac)).json().error, 'invalid_grant');
    const [, payload] = (await assertion({ sub: w.shopper.id })).split('.');
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`;
    assert.equal((await exchange(integration, none)).json().error, 'invalid_grant');
  });

  test('a wrong signer, issuer or audience is invalid_grant; the token endpoint URL is an accepted audience', async () => {
    const { privateKey: stranger } = await generateKeyPair('ES256');
    assert.equal(
      (await exchange(integration, await assertion({ sub: w.shopper.id }, { signWith: stranger }))).json().error,
      'invalid_grant',
    );
    assert.equal(
      (await exchange(integration, await assertion({ sub: w.shopper.id }, { iss: 'someone-else' }))).json().error,
      'invalid_grant',
    );
    assert.equal(
      (await exchange(integration, await assertion({ sub: w.shopper.id, aud: 'https://elsewhere.example' }))).json().error,
      'invalid_grant',
    );
    assert.equal((await exchange(integration, await assertion({ sub: w.shopper.id, aud: `${ISSUER}/oauth/token` }))).statusCode, 200);
  });

  test('exp more than 300 s ahead, or already past, is invalid_grant', async () => {
    const now = Math.floor(t.clock.now() / 1000);
    const far = await new SignJWT({ owner_type: 'customer', jti: randomUUID(), sub: w.shopper.id })
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuer(integration.clientId)
      .setAudience(ISSUER)
      .setIssuedAt(now)
      .setExpirationTime(now + 301)
      .sign(key);
    assert.equal((await exchange(integration, far)).json().error, 'invalid_grant');
    const jwt = await assertion({ sub: w.shopper.id });
    t.clock.advance(121);
    try {
      assert.equal((await exchange(integration, jwt)).json().error, 'invalid_grant');
    } finally {
      t.clock.advance(-121);
    }
  });

  test('an iat in the future beyond a small clock skew is invalid_grant (RFC 7523 §3)', async () => {
    const now = Math.floor(t.clock.now() / 1000);
    const dated = (iat: number) =>
      new SignJWT({ owner_type: 'customer', jti: randomUUID(), sub: w.shopper.id })
        .setProtectedHeader({ alg: 'ES256' })
        .setIssuer(integration.clientId)
        .setAudience(ISSUER)
        .setIssuedAt(iat)
        .setExpirationTime(now + 120)
        .sign(key);
    const ayear = await exchange(integration, await dated(now + 365 * 86400));
    assert.equal(ayear.json().error, 'invalid_grant');
    assert.equal((await exchange(integration, await dated(now + 61))).json().error, 'invalid_grant');
    assert.equal((await exchange(integration, await dated(now + 30))).statusCode, 200, 'a little skew is tolerated');
  });

  test('a jti is single use', async () => {
    const jwt = await assertion({ sub: w.shopper.id });
    assert.equal((await exchange(integration, jwt)).statusCode, 200);
    assert.equal((await exchange(integration, jwt)).json().error, 'invalid_grant');
  });

  test('the owner must exist in the store and mode and suit the kind', async () => {
    const live = await w.f.customer(w.store.id, 'live', 'jwt-live@shop.invalid', 'live password 1');
    assert.equal((await exchange(integration, await assertion({ sub: live.id }))).json().error, 'invalid_grant');
    assert.equal((await exchange(integration, await assertion({ sub: 'nobody' }))).json().error, 'invalid_grant');
    const outsider = await w.f.user('outsider@shop.invalid');
    assert.equal(
      (await exchange(webapp, await assertion({ sub: outsider.id, owner_type: 'user' }, { iss: webapp.clientId }))).json().error,
      'invalid_grant',
    );
    assert.equal(
      (
        await exchange(channel, await assertion({ sub: staff.id, owner_type: 'user' }, { iss: channel.clientId }), 'market:code:europe')
      ).json().error,
      'invalid_grant',
    );
    assert.equal((await exchange(webapp, await assertion({ sub: w.shopper.id }, { iss: webapp.clientId }))).json().error, 'invalid_grant');
  });

  test('custom_claim must be an object of at most 4096 bytes', async () => {
    assert.equal((await exchange(integration, await assertion({ sub: w.shopper.id, custom_claim: 'text' }))).json().error, 'invalid_grant');
    const big = { blob: 'x'.repeat(4100) };
    assert.equal((await exchange(integration, await assertion({ sub: w.shopper.id, custom_claim: big }))).json().error, 'invalid_grant');
    const fits = { blob: 'x'.repeat(4000) };
    assert.equal((await exchange(integration, await assertion({ sub: w.shopper.id, custom_claim: fits }))).statusCode, 200);
  });

  test('a confidential credential must also authenticate with its secret', async () => {
    const res = await w.token({ grant_type: GRANT, client_id: integration.clientId, assertion: await assertion({ sub: w.shopper.id }) });
    assert.equal(res.statusCode, 401);
  });
});
