import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { before, describe, test } from 'node:test';
import Fastify from 'fastify';
import { type CountersignClaims, createGuard, expressGuard, fastifyGuard, type Guard, type RevocationList } from '../src/index.js';
import { backofficeClaims, ISSUER, NOW, type SigningKey, sign, signingKey } from './support/token-factory.js';

/**
 * The guard mounted in a Fastify app (plugin) and in a plain node:http server through the
 * Express-style middleware: claims on the request, and the RFC 6750 answers for every refusal.
 */
describe('fastifyGuard and expressGuard', () => {
  let key: SigningKey;
  let fresh = true;
  const revokedJtis = new Set<string>();
  // The revocation data as the guard asks it; createRevocationList is exercised against a real server elsewhere.
  const revocations: RevocationList = {
    isRevoked: (claims) => revokedJtis.has(claims.jti),
    isFresh: () => fresh,
    sync: async () => {},
    ready: async () => {},
    close: async () => {},
  };
  let guard: Guard;
  const bearer = async (claims: Record<string, unknown> = {}, header: { typ?: string } = {}) =>
    `Bearer ${await sign(key, backofficeClaims(claims), header)}`;

  before(async () => {
    key = await signingKey('k1');
    guard = createGuard({ issuer: ISSUER, jwks: () => key.jwks, now: () => NOW, revocations, apiKeys: true });
  });

  test('Fastify: the guarded scope gets the claims; a sibling route is not guarded; refusals are 401, 403 and 503', async () => {
    const app = Fastify();
    await app.register(async (api) => {
      await api.register(
        fastifyGuard(guard, (request) => ({
          audience: 'backoffice',
          scopes: ['stores.view'],
          storeId: (request.params as { id: string }).id,
        })),
      );
      api.get('/stores/:id', async (request) => ({ sub: (request as { countersign?: CountersignClaims }).countersign?.sub }));
    });
    app.get('/open', async () => ({ open: true }));
    try {
      const get = async (url: string, authorization?: string) =>
        app.inject({ method: 'GET', url, headers: authorization === undefined ? {} : { authorization } });

      const ok = await get('/stores/store-1', await bearer());
      assert.equal(ok.statusCode, 200);
      assert.deepEqual(ok.json(), { sub: 'client-1' });
      assert.equal((await get('/open')).statusCode, 200, 'a route outside the scope');

      const missing = await get('/stores/store-1');
      assert.equal(missing.statusCode, 401);
      assert.equal(missing.headers['www-authenticate'], 'Bearer');
      const bad = await get('/stores/store-1', 'Bearer not.a.token');
      assert.equal(bad.statusCode, 401);
      assert.match(String(bad.headers['www-authenticate']), /^Bearer error="invalid_token"/);
      assert.equal(bad.json().error, 'invalid_token');

      const otherStore = await get('/stores/store-2', await bearer());
      assert.equal(otherStore.statusCode, 403);
      assert.equal(otherStore.json().error, 'insufficient_scope');
      const noScope = await get('/stores/store-1', await bearer({ scope: 'stores.products.view' }));
      assert.equal(noScope.statusCode, 403);
      assert.match(String(noScope.headers['www-authenticate']), /scope="stores.view"/);

      revokedJtis.add('jti-revoked');
      assert.equal((await get('/stores/store-1', await bearer({ jti: 'jti-revoked' }))).statusCode, 401);

      const apiKey = await bearer(
        { exp: undefined, grant_id: 'g-1', stores: [{ id: 'store-1', slug: 'shop' }], store: undefined },
        { typ: 'api-key+jwt' },
      );
      assert.equal((await get('/stores/store-1', apiKey)).statusCode, 200);
      fresh = false;
      const stale = await get('/stores/store-1', apiKey);
      assert.equal(stale.statusCode, 503);
      assert.equal(stale.headers['retry-after'], '1');
      assert.equal(stale.json().error, 'revocation_data_stale');
      assert.equal((await get('/stores/store-1', await bearer())).statusCode, 200, 'an access token expires by itself');
    } finally {
      fresh = true;
      await app.close();
    }
  });

  test('Express-style on node:http: next() with req.countersign, or the answer; other errors go to next(error)', async () => {
    const middleware = expressGuard(guard, { audience: 'backoffice', scopes: ['stores.view'] });
    const seen: unknown[] = [];
    const server = createServer((req: IncomingMessage & { countersign?: CountersignClaims }, res: ServerResponse) => {
      middleware(req, res, (error?: unknown) => {
        if (error) {
          seen.push(error);
          res.statusCode = 500;
          res.end();
          return;
        }
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ client: req.countersign?.client_id }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const ok = await fetch(url, { headers: { authorization: await bearer() } });
      assert.equal(ok.status, 200);
      assert.deepEqual(await ok.json(), { client: 'client-1' });
      const storefront = await fetch(url, { headers: { authorization: await bearer({ aud: 'storefront' }) } });
      assert.equal(storefront.status, 403);
      assert.equal((await storefront.json()).error, 'insufficient_scope');
      const none = await fetch(url);
      assert.equal(none.status, 401);
      assert.equal(none.headers.get('www-authenticate'), 'Bearer');
      assert.deepEqual(seen, []);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
