import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { cryptoRandom } from '../src/adapters/system/crypto-random';
import { appOptions } from '../src/compose/app-options';
import { composeDependencies } from '../src/compose/compose-dependencies';
import { rotateKeys } from '../src/compose/rotate-keys';
import { RecordConflictError } from '../src/core/errors/record-errors';
import { buildApp } from '../src/http/build-app';
import { Fixtures } from './support/fixtures';
import { startTestApp, type TestApp } from './support/test-app';
import { TestClock } from './support/test-clock';
import { testConfig } from './support/test-config';
import { openTestStorage, testDialects } from './support/test-storage';

async function jwks(t: TestApp) {
  return (await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json() as {
    keys: { kid: string; alg: string; kty: string }[];
  };
}

async function integrationToken(t: TestApp, credential: { clientId: string; secret?: string }) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/oauth/token',
    payload: { grant_type: 'client_credentials', client_id: credential.clientId, client_secret: credential.secret },
  });
  assert.equal(res.statusCode, 200);
  return res.json().access_token as string;
}

describe('signing key rotation (SPEC §4)', () => {
  let t: TestApp;
  let credential: { clientId: string; secret?: string };
  before(async () => {
    t = await startTestApp();
    const f = new Fixtures(t.deps.storage.db, t.deps.secretHasher, t.deps.changes);
    const store = await f.store();
    credential = await f.credential(store.id, 'test', 'integration', { expiresIn: 86400 });
  });
  after(() => t.close());

  test('the pre-published next key takes over; the retired key stays until its last token has expired', async () => {
    const before = await jwks(t);
    const oldToken = await integrationToken(t, credential);
    const oldKid = decodeProtectedHeader(oldToken).kid!;
    const nextKid = before.keys.map((k) => k.kid).find((kid) => kid !== oldKid)!;

    const result = await rotateKeys(t.deps, false, 'test');
    assert.deepEqual(result, { current: nextKid, retired: oldKid });

    const during = await jwks(t);
    assert.equal(during.keys.length, 3);
    assert.ok(
      during.keys.some((k) => k.kid === oldKid),
      'the retired key left the JWKS too early',
    );
    await jwtVerify(oldToken, createLocalJWKSet(during), { typ: 'at+jwt', currentDate: new Date(t.clock.now()) });
    const newToken = await integrationToken(t, credential);
    assert.equal(decodeProtectedHeader(newToken).kid, nextKid, 'new tokens must be signed by the key published as next');

    // The longest credential lifetime here is 86400 s: the retired key is published that long.
    t.clock.advance(14401);
    await t.deps.keyRing.load();
    assert.ok((await jwks(t)).keys.some((k) => k.kid === oldKid));
    t.clock.advance(86400 - 14401 + 1);
    await t.deps.keyRing.load();
    assert.ok(!(await jwks(t)).keys.some((k) => k.kid === oldKid), 'an expired retired key is still published');

    const audit = await t.deps.storage.db.selectFrom('audit_entries').selectAll().where('action', '=', 'signing_key.rotate').execute();
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.actor, 'test');
  });

  test('a compromised rotation drops the old key at once, so nothing it signed verifies any more', async () => {
    const token = await integrationToken(t, credential);
    const kid = decodeProtectedHeader(token).kid!;
    await rotateKeys(t.deps, true, 'test');
    const after = await jwks(t);
    assert.ok(!after.keys.some((k) => k.kid === kid));
    await assert.rejects(
      jwtVerify(token, createLocalJWKSet(after), { currentDate: new Date(t.clock.now()) }),
      /no applicable key found|JWKSNoMatchingKey/i,
    );
  });

  test('two rotations racing: one wins, the other gets a conflict', async () => {
    const results = await Promise.allSettled([rotateKeys(t.deps, false, 'a'), rotateKeys(t.deps, false, 'b')]);
    const fulfilled = results.filter((r) => r.status === 'fulfilled');
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(fulfilled.length, 1);
    assert.equal(rejected.length, 1);
    assert.ok(rejected[0]!.reason instanceof RecordConflictError);
  });
});

describe('signing keys at rest', async () => {
  for (const dialect of await testDialects()) {
    test(`[${dialect}] keys created at first start survive a restart, and a wrong key-encryption key stops the start`, async () => {
      const storage = await openTestStorage(dialect);
      try {
        const kek = randomBytes(32).toString('base64url');
        const clock = new TestClock();
        const first = await composeDependencies(testConfig({ COUNTERSIGN_KEY_ENCRYPTION_KEY: kek }), storage, clock, cryptoRandom);
        const second = await composeDependencies(testConfig({ COUNTERSIGN_KEY_ENCRYPTION_KEY: kek }), storage, clock, cryptoRandom);
        assert.equal(second.keyRing.current().kid, first.keyRing.current().kid);
        const row = await storage.db.selectFrom('signing_keys').selectAll().where('status', '=', 'current').executeTakeFirstOrThrow();
        assert.doesNotMatch(row.private_jwk_encrypted, /"d"/, 'the private key is stored in the clear');
        await assert.rejects(
          composeDependencies(
            testConfig({ COUNTERSIGN_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url') }),
            storage,
            clock,
            cryptoRandom,
          ),
          /COUNTERSIGN_KEY_ENCRYPTION_KEY is not the key it was stored with/,
        );
      } finally {
        await storage.close();
      }
    });

    test(`[${dialect}] several instances starting at once on an empty database agree on one current key`, async () => {
      const storage = await openTestStorage(dialect);
      try {
        const config = testConfig();
        const instances = await Promise.all(
          Array.from({ length: 5 }, () => composeDependencies(config, storage, new TestClock(), cryptoRandom)),
        );
        const rows = await storage.db.selectFrom('signing_keys').select(['kid', 'status']).execute();
        assert.equal(rows.filter((r) => r.status === 'current').length, 1);
        assert.equal(rows.filter((r) => r.status === 'next').length, 1);
        assert.equal(new Set(instances.map((i) => i.keyRing.current().kid)).size, 1);
      } finally {
        await storage.close();
      }
    });
  }
});

describe('COUNTERSIGN_SIGNING_ALG', () => {
  for (const [alg, kty] of [
    ['RS256', 'RSA'],
    ['RS512', 'RSA'],
    ['EdDSA', 'OKP'],
  ] as const) {
    test(`${alg} keys sign tokens that verify against the JWKS`, async () => {
      const t = await startTestApp({ env: { COUNTERSIGN_SIGNING_ALG: alg } });
      try {
        const f = new Fixtures(t.deps.storage.db, t.deps.secretHasher, t.deps.changes);
        const store = await f.store();
        const token = await integrationToken(t, await f.credential(store.id, 'test', 'integration'));
        const set = await jwks(t);
        assert.ok(set.keys.every((k) => k.alg === alg && k.kty === kty));
        const { protectedHeader } = await jwtVerify(token, createLocalJWKSet(set), {
          algorithms: [alg],
          typ: 'at+jwt',
          currentDate: new Date(t.clock.now()),
        });
        assert.equal(protectedHeader.alg, alg);
      } finally {
        await t.close();
      }
    });
  }

  test('changing the algorithm replaces the unused next key, and the new algorithm signs after the next rotation', async () => {
    const storage = await openTestStorage('sqlite');
    try {
      const kek = randomBytes(32).toString('base64url');
      const clock = new TestClock();
      await composeDependencies(testConfig({ COUNTERSIGN_KEY_ENCRYPTION_KEY: kek }), storage, clock, cryptoRandom);
      const deps = await composeDependencies(
        testConfig({ COUNTERSIGN_KEY_ENCRYPTION_KEY: kek, COUNTERSIGN_SIGNING_ALG: 'EdDSA' }),
        storage,
        clock,
        cryptoRandom,
      );
      assert.equal(deps.keyRing.current().alg, 'ES256');
      await rotateKeys(deps, false, 'test');
      assert.equal(deps.keyRing.current().alg, 'EdDSA');
      const app = await buildApp(appOptions(deps), { logger: false });
      await app.close();
    } finally {
      await storage.close();
    }
  });
});

describe('POST /provisioning/v1/keys/rotate', () => {
  test('the admin token rotates; a compromised rotation drops the old key from the JWKS at once', async () => {
    const t = await startTestApp();
    try {
      const { TEST_ADMIN_TOKEN } = await import('./support/test-config');
      const before = t.deps.keyRing.current().kid;
      const res = await t.app.inject({
        method: 'POST',
        url: '/provisioning/v1/keys/rotate',
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
        payload: { compromised: true },
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().retired_kid, before);
      assert.notEqual(res.json().current_kid, before);
      assert.ok(!(await jwks(t)).keys.some((k) => k.kid === before));
      const audit = await t.deps.storage.db
        .selectFrom('audit_entries')
        .selectAll()
        .where('action', '=', 'signing_key.rotate_compromised')
        .execute();
      assert.equal(audit.length, 1);

      const bad = await t.app.inject({
        method: 'POST',
        url: '/provisioning/v1/keys/rotate',
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
        payload: { compromised: 'yes' },
      });
      assert.equal(bad.statusCode, 422);
      assert.equal((await t.app.inject({ method: 'POST', url: '/provisioning/v1/keys/rotate', payload: {} })).statusCode, 401);
    } finally {
      await t.close();
    }
  });
});
