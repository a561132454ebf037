import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { openStorage } from '../src/adapters/sql/open-storage';
import { cryptoRandom } from '../src/adapters/system/crypto-random';
import { appOptions } from '../src/compose/app-options';
import { type AppDependencies, composeDependencies } from '../src/compose/compose-dependencies';
import { buildApp } from '../src/http/build-app';
import { shopWorld } from './support/shop-world';
import type { TestApp } from './support/test-app';
import { TestClock } from './support/test-clock';
import { TEST_ADMIN_TOKEN, testConfig } from './support/test-config';

/**
 * SQLite's only outage: another process holds the file's write lock longer than the lock wait
 * (`busy_timeout`). A request that must write then answers 503 `temporarily_unavailable` in its own
 * wire format, as a PostgreSQL outage does, not 500; nothing is half-written, and it succeeds once
 * the lock is released.
 */
describe('SQLite busy (another connection holds the write lock)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'countersign-sqlite-busy-'));
  const path = join(dir, 'busy.sqlite');
  let t: TestApp;
  let deps: AppDependencies;
  let world: Awaited<ReturnType<typeof shopWorld>>;
  let other: SqliteDatabase.Database;

  before(async () => {
    const storage = await openStorage({ sqlitePath: path });
    // The lock wait is 5 s in production; this test need not wait that long for it to run out.
    await sql`pragma busy_timeout = 50`.execute(storage.db);
    const clock = new TestClock();
    deps = await composeDependencies(
      testConfig({ COUNTERSIGN_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url') }),
      storage,
      clock,
      cryptoRandom,
    );
    const app = await buildApp(appOptions(deps), { logger: false });
    await app.ready();
    t = { app, deps, clock, close: async () => {} };
    world = await shopWorld(t);
    other = new SqliteDatabase(path);
  });
  after(async () => {
    other?.close();
    await t?.app.close();
    await deps?.close();
    await deps?.storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const rename = (name: string) =>
    t.app.inject({
      method: 'PATCH',
      url: `/provisioning/v1/stores/${world.store.id}`,
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      payload: { name },
    });
  const storeName = async () =>
    (
      await t.app.inject({
        method: 'GET',
        url: `/provisioning/v1/stores/${world.store.id}`,
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      })
    ).json().name as string;

  test('a write that cannot get the lock answers 503 temporarily_unavailable (not 500), writes nothing, and succeeds once the lock is free', async () => {
    const nameBefore = await storeName();
    other.exec('begin immediate');
    try {
      const res = await rename('renamed while locked');
      assert.equal(res.statusCode, 503, res.body);
      assert.equal(res.headers['retry-after'], '5');
      const body = res.json();
      assert.equal(body.errors[0].status, '503');
      assert.equal(body.errors[0].title, 'temporarily_unavailable');
      // Reads do not need the write lock (WAL): the service still answers them, and nothing was written.
      assert.equal(await storeName(), nameBefore);
    } finally {
      other.exec('rollback');
    }
    const res = await rename('renamed after the lock');
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(await storeName(), 'renamed after the lock');
  });

  test('on the token endpoint, a busy database is an OAuth 503 temporarily_unavailable', async () => {
    // A refresh rotates its token: a write.
    const issued = await world.token({
      grant_type: 'password',
      client_id: world.salesChannel.clientId,
      username: world.shopper.email,
      password: world.shopper.password,
      scope: 'market:code:europe',
    });
    assert.equal(issued.statusCode, 200, issued.body);
    const refreshToken = issued.json().refresh_token as string;
    other.exec('begin immediate');
    try {
      const res = await world.refresh(refreshToken);
      assert.equal(res.statusCode, 503, res.body);
      assert.equal(res.json().error, 'temporarily_unavailable');
      assert.equal(res.json().refresh_token, undefined);
    } finally {
      other.exec('rollback');
    }
    // The refresh token was not rotated by the failed attempt: it still works, once.
    const res = await world.refresh(refreshToken);
    assert.equal(res.statusCode, 200, res.body);
  });
});
