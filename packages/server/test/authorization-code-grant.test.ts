import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { cryptoRandom } from '../src/adapters/system/crypto-random';
import { newClientSecret, newId } from '../src/core/secrets/random-alphanumeric';
import { PageSession } from './support/page-session';
import { shopWorld } from './support/shop-world';
import { startTestApp, type TestApp } from './support/test-app';
import { testDialects } from './support/test-storage';

const pkce = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};
const query = (params: Record<string, string | undefined>) =>
  new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined)).toString();

for (const dialect of await testDialects()) {
  describe(`[${dialect}] the authorization_code grant (RFC 6749 §4.1.3, RFC 7636)`, () => {
    let t: TestApp;
    let w: Awaited<ReturnType<typeof shopWorld>>;
    let webapp: { id: string; clientId: string; secret?: string };
    let staff: { id: string; email: string; password: string };
    let channel: { clientId: string };
    let app: { id: string; clientId: string; secret: string };
    let stores: { id: string; slug: string }[];
    const webRedirect = 'https://backoffice.example/cb';
    const shopRedirect = 'https://shop.example/cb';
    const appRedirect = 'https://app.example/oauth/cb';

    /** Runs the browser part and returns the code (signing in on first use). */
    async function authorize(
      browser: PageSession,
      path: string,
      params: Record<string, string | undefined>,
      who?: { email: string; password: string },
      storeIds?: string[],
    ) {
      let page = await browser.get(`${path}?${query(params)}`);
      if (page.statusCode === 200 && /name="audience"/.test(page.body)) page = await browser.signIn(page, who!.email, who!.password);
      const answer = page.statusCode === 303 ? page : await browser.decide(page, 'approve', storeIds);
      assert.equal(answer.statusCode, 303, answer.body);
      const location = new URL(answer.headers.location as string);
      assert.equal(location.searchParams.get('error'), null, location.toString());
      return location.searchParams.get('code')!;
    }
    const webappCode = async (challenge?: string) =>
      authorize(
        new PageSession(t.app),
        '/oauth/authorize',
        {
          client_id: webapp.clientId,
          redirect_uri: webRedirect,
          code_challenge: challenge,
          code_challenge_method: challenge ? 'S256' : undefined,
        },
        staff,
      );
    const redeem = (code: string, extra: Record<string, string | undefined> = {}) =>
      w.token({
        grant_type: 'authorization_code',
        client_id: webapp.clientId,
        client_secret: webapp.secret,
        code,
        redirect_uri: webRedirect,
        ...extra,
      });

    before(async () => {
      t = await startTestApp({ dialect });
      w = await shopWorld(t);
      webapp = await w.f.credential(w.store.id, 'test', 'webapp', { scopes: ['stores.view'], redirectUris: [webRedirect] });
      channel = await w.f.credential(w.store.id, 'test', 'sales_channel', { scopes: ['stores.orders.view'], redirectUris: [shopRedirect] });
      staff = await w.f.user('owner@flow.invalid', 'owner password 1');
      await w.f.membership(w.store.id, staff.id, 'owner');
      stores = [w.store];
      for (const slug of ['second', 'third']) {
        const s = await w.f.store(slug);
        await w.f.membership(s.id, staff.id, 'admin');
        stores.push(s);
      }
      const secret = newClientSecret(cryptoRandom);
      app = { id: newId(cryptoRandom), clientId: `app${newId(cryptoRandom)}`, secret };
      const now = new Date(t.clock.now()).toISOString();
      await t.deps.storage.db
        .insertInto('apps')
        .values({
          id: app.id,
          client_id: app.clientId,
          owner_user_id: staff.id,
          name: 'Stock Sync',
          description: 'Keeps stock in sync',
          homepage: 'https://app.example',
          scopes: JSON.stringify(['stores.view', 'stores.products.view']),
          redirect_uris: JSON.stringify([appRedirect]),
          confidential: 1,
          secret_hash: t.deps.secretHasher.hash(secret),
          previous_secret_hash: null,
          previous_secret_expires_at: null,
          created_at: now,
          updated_at: now,
        })
        .execute();
    });
    after(() => t.close());

    test('an app granted two of three stores gets a token for exactly those stores', async () => {
      const browser = new PageSession(t.app);
      const page = await browser.signIn(
        await browser.get(`/admin/oauth2-token/authorize?${query({ client_id: app.clientId, state: 's1' })}`),
        staff.email,
        staff.password,
      );
      for (const s of stores) assert.match(page.body, new RegExp(`name="store_${s.id}"`));
      const none = await browser.decide(page, 'approve', []);
      // At least one store must be chosen: the consent page comes back with the problem beside the stores.
      assert.equal(none.statusCode, 422, 'at least one store must be chosen');
      assert.match(none.body, /Choose at least one store/);
      for (const s of stores) assert.match(none.body, new RegExp(`name="store_${s.id}"`));
      const chosen = [stores[0]!.id, stores[2]!.id];
      const approved = await browser.decide(page, 'approve', chosen);
      const code = new URL(approved.headers.location as string).searchParams.get('code')!;
      const res = await w.token({
        grant_type: 'authorization_code',
        client_id: app.clientId,
        client_secret: app.secret,
        code,
        redirect_uri: undefined,
      });
      assert.equal(res.statusCode, 200, res.body);
      const claims = await w.claims(res.json().access_token);
      assert.deepEqual((claims.stores as { id: string }[]).map((s) => s.id).sort(), [...chosen].sort());
      assert.equal(claims.store, undefined);
      assert.equal(claims.test, false);
      assert.equal((claims.application as { kind: string }).kind, 'app');
      assert.equal(claims.aud, 'backoffice');
    });

    test('a posted store the user does not manage is refused', async () => {
      const browser = new PageSession(t.app);
      // Another scope than the grant above, so that consent is asked again rather than skipped.
      const page = await browser.signIn(
        await browser.get(`/oauth/authorize?${query({ client_id: app.clientId, scope: 'stores.view' })}`),
        staff.email,
        staff.password,
      );
      const outsider = await w.f.store('not-mine');
      const res = await browser.decide(page, 'approve', [outsider.id]);
      assert.equal(res.statusCode, 400);
      assert.equal(res.headers.location, undefined);
    });

    test('a shopper on the storefront path: PKCE, a storefront token for the customer, and a refresh token', async () => {
      const { verifier, challenge } = pkce();
      const code = await authorize(
        new PageSession(t.app),
        '/oauth2-token/authorize',
        {
          client_id: channel.clientId,
          scope: 'market:code:europe',
          state: 'shop',
          code_challenge: challenge,
          code_challenge_method: 'S256',
        },
        w.vipShopper,
      );
      const res = await w.token({ grant_type: 'authorization_code', client_id: channel.clientId, code, code_verifier: verifier });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().owner_type, 'customer');
      assert.equal(res.json().owner_id, w.vipShopper.id);
      const claims = await w.claims(res.json().access_token);
      assert.equal(claims.aud, 'storefront');
      assert.equal((claims.market as { code: string }).code, 'europe');
      assert.ok(res.json().refresh_token);
    });

    test('a second use of a code is invalid_grant and revokes everything the first use issued', async () => {
      const code = await webappCode();
      const first = await redeem(code);
      assert.equal(first.statusCode, 200);
      const second = await redeem(code);
      assert.equal(second.json().error, 'invalid_grant');
      const introspected = await w.introspect({
        client_id: webapp.clientId,
        client_secret: webapp.secret,
        token: first.json().access_token,
      });
      assert.deepEqual(introspected.json(), { active: false });
      const refreshed = await w.token({
        grant_type: 'refresh_token',
        client_id: webapp.clientId,
        client_secret: webapp.secret,
        refresh_token: first.json().refresh_token,
      });
      assert.equal(refreshed.json().error, 'invalid_grant');
    });

    test('PKCE: the verifier is required, must match, and a verifier for a code without a challenge is refused', async () => {
      const { verifier, challenge } = pkce();
      assert.equal((await redeem(await webappCode(challenge))).json().error, 'invalid_grant', 'no verifier');
      assert.equal(
        (await redeem(await webappCode(challenge), { code_verifier: pkce().verifier })).json().error,
        'invalid_grant',
        'wrong verifier',
      );
      assert.equal(
        (await redeem(await webappCode(challenge), { code_verifier: 'short' })).json().error,
        'invalid_grant',
        'malformed verifier',
      );
      assert.equal((await redeem(await webappCode(challenge), { code_verifier: verifier })).statusCode, 200);
      assert.equal((await redeem(await webappCode(), { code_verifier: verifier })).json().error, 'invalid_grant', 'downgrade');
    });

    test('redirect_uri must be repeated, identical, when the request sent it', async () => {
      const code = await webappCode();
      assert.equal((await redeem(code, { redirect_uri: undefined })).json().error, 'invalid_grant');
      const other = await webappCode();
      assert.equal((await redeem(other, { redirect_uri: `${webRedirect}/` })).json().error, 'invalid_grant');
    });

    test('a code expires after COUNTERSIGN_CODE_TTL (60 s)', async () => {
      const code = await webappCode();
      t.clock.advance(61);
      try {
        assert.equal((await redeem(code)).json().error, 'invalid_grant');
      } finally {
        t.clock.advance(-61);
      }
    });

    test("another client's code is invalid_grant and stays usable by its own client", async () => {
      const code = await webappCode();
      const other = await w.f.credential(w.store.id, 'test', 'webapp', { redirectUris: [webRedirect] });
      const res = await w.token({
        grant_type: 'authorization_code',
        client_id: other.clientId,
        client_secret: other.secret,
        code,
        redirect_uri: webRedirect,
      });
      assert.equal(res.json().error, 'invalid_grant');
      assert.equal((await redeem(code)).statusCode, 200);
    });

    test('consent is skipped for a confidential client already approved, never for a public one', async () => {
      const browser = new PageSession(t.app);
      await authorize(browser, '/oauth/authorize', { client_id: webapp.clientId }, staff).then(redeem);
      const again = await browser.get(`/oauth/authorize?${query({ client_id: webapp.clientId, state: 'again' })}`);
      assert.equal(again.statusCode, 303, 'the approved webapp should not ask again');
      assert.ok(new URL(again.headers.location as string).searchParams.get('code'));

      const shopper = new PageSession(t.app);
      const { verifier, challenge } = pkce();
      const params = { client_id: channel.clientId, scope: 'market:code:europe', code_challenge: challenge, code_challenge_method: 'S256' };
      const code = await authorize(shopper, '/oauth2-token/authorize', params, w.vipShopper);
      await w.token({ grant_type: 'authorization_code', client_id: channel.clientId, code, code_verifier: verifier });
      const second = await shopper.get(`/oauth2-token/authorize?${query(params)}`);
      assert.equal(second.statusCode, 200, 'a public client always shows the consent page');
      assert.match(second.body, />Approve</);
    });

    if (dialect === 'postgres') {
      test('ten parallel redemptions of one code: one winner, nine invalid_grant, no 500', async () => {
        const code = await webappCode();
        const results = await Promise.all(Array.from({ length: 10 }, () => redeem(code)));
        const codes = results.map((r) => r.statusCode);
        assert.equal(codes.filter((c) => c === 200).length, 1, `codes: ${codes}`);
        assert.equal(codes.filter((c) => c === 400).length, 9, `codes: ${codes}`);
        const grants = await t.deps.storage.db
          .selectFrom('grants')
          .select(['id', 'revoked_reason'])
          .where('client_id', '=', webapp.clientId)
          .where('revoked_reason', '=', 'code_replay')
          .execute();
        assert.ok(grants.length >= 1, "the replays must revoke the winner's grant (RFC 6749 §4.1.2)");
      });
    }
  });
}
