import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { openStorage } from '../src/adapters/sql/open-storage';
import { cryptoRandom } from '../src/adapters/system/crypto-random';
import { systemClock } from '../src/adapters/system/system-clock';
import { appOptions } from '../src/compose/app-options';
import { type AppDependencies, composeDependencies } from '../src/compose/compose-dependencies';
import { buildApp } from '../src/http/build-app';
import { Fixtures } from './support/fixtures';
import { spawnedServerSchema, spawnServer } from './support/spawned-server';
import { testConfig } from './support/test-config';
import { postgresReachable, TEST_DATABASE_URL } from './support/test-storage';

const reachable = await postgresReachable();
const CODES = 40;
const REFRESHES = 30;

/**
 * The real server on PostgreSQL, killed with SIGKILL while refresh tokens rotate and codes are
 * redeemed (each twice at once). Afterwards every grant is consistent: a refresh token is either used
 * with exactly one successor or unused with none; a code is either used with its grant or unused
 * without one; a used code cannot be redeemed again; every answer a client received still holds.
 * The server runs on the system clock (a child process cannot share the test clock); nothing here
 * compares dates.
 */
describe('SIGKILL in the middle of refreshes and code redemptions (PostgreSQL)', { skip: !reachable && 'PostgreSQL unreachable' }, () => {
  const kek = randomBytes(32).toString('base64url');
  let schema: Awaited<ReturnType<typeof spawnedServerSchema>>;
  let deps: AppDependencies;
  let app: FastifyInstance;
  let client: { clientId: string; secret?: string };
  const codes: string[] = [];
  const refreshTokens: string[] = [];

  const form = (fields: Record<string, string>) => ({
    'content-type': 'application/x-www-form-urlencoded',
    body: new URLSearchParams({ client_id: client.clientId, client_secret: client.secret ?? '', ...fields }).toString(),
  });
  const tokenInProcess = (fields: Record<string, string>) => {
    const { body, ...headers } = form(fields);
    return app.inject({ method: 'POST', url: '/oauth/token', headers, payload: body });
  };

  before(async () => {
    schema = await spawnedServerSchema();
    const storage = await openStorage({ databaseUrl: TEST_DATABASE_URL, pgSchema: schema.schema });
    deps = await composeDependencies(testConfig({ COUNTERSIGN_KEY_ENCRYPTION_KEY: kek }), storage, systemClock, cryptoRandom);
    app = await buildApp(appOptions(deps), { logger: false });
    const f = new Fixtures(storage.db, deps.secretHasher, deps.changes);
    const store = await f.store('killed');
    const owner = await f.user(`owner-${randomBytes(4).toString('hex')}@example.test`);
    await f.membership(store.id, owner.id, 'owner');
    client = await f.app(owner.id);
    const newCode = async () => {
      const code = randomBytes(32).toString('base64url');
      const now = systemClock.now();
      await deps.grants.codes.save(deps.secretHasher.hash(code), {
        clientId: client.clientId,
        redirectUri: 'https://app.example/callback',
        redirectUriSent: false,
        codeChallenge: null,
        scope: 'stores.view',
        storeIds: [store.id],
        owner: { type: 'user', id: owner.id },
        createdAt: now,
        expiresAt: now + 600_000,
        usedAt: null,
        grantId: null,
      });
      return code;
    };
    // Refresh tokens to rotate: each from a code redeemed here, before the server under test starts.
    for (let i = 0; i < REFRESHES; i++) {
      const res = await tokenInProcess({ grant_type: 'authorization_code', code: await newCode() });
      assert.equal(res.statusCode, 200, res.body);
      refreshTokens.push(res.json().refresh_token);
    }
    for (let i = 0; i < CODES; i++) codes.push(await newCode());
  });

  after(async () => {
    await app?.close();
    await deps?.close();
    await deps?.storage.close();
    await schema?.drop();
  });

  test('after the kill, each refresh token is rotated or not, no code is both redeemed and usable, and every answer received holds', {
    timeout: 120_000,
  }, async (t) => {
    const server = await spawnServer({
      DATABASE_URL: schema.databaseUrl,
      COUNTERSIGN_KEY_ENCRYPTION_KEY: kek,
      COUNTERSIGN_LOG_LEVEL: 'warn',
    });
    const received: { kind: 'code' | 'refresh'; input: string; refreshToken: string }[] = [];
    let answered = 0;
    let refreshesAnswered = 0;
    const send = async (kind: 'code' | 'refresh', input: string) => {
      const { body, ...headers } = form(
        kind === 'code' ? { grant_type: 'authorization_code', code: input } : { grant_type: 'refresh_token', refresh_token: input },
      );
      try {
        const res = await fetch(`${server.url}/oauth/token`, { method: 'POST', headers, body });
        const json = (await res.json()) as { refresh_token?: string };
        answered++;
        if (kind === 'refresh') refreshesAnswered++;
        if (res.status === 200 && json.refresh_token) received.push({ kind, input, refreshToken: json.refresh_token });
      } catch {
        // The connection died with the process: the client never learnt the outcome.
      }
    };
    // Each code and each refresh token is sent twice at once (a retrying client), all interleaved.
    const work = codes.flatMap((c, i) => {
      const r = refreshTokens[i];
      return r === undefined ? [['code', c] as const] : [['code', c] as const, ['refresh', r] as const];
    });
    const inFlight = work.flatMap(([kind, input]) => [send(kind, input), send(kind, input)]);
    // Killed once both kinds are under way, with most requests still in flight.
    while (answered < 10 || refreshesAnswered < 4) await new Promise((resolve) => setTimeout(resolve, 5));
    server.child.kill('SIGKILL');
    assert.equal(await server.exited, 'SIGKILL');
    await Promise.all(inFlight);
    assert.ok(answered < inFlight.length, 'the kill came while requests were still in flight');

    const db = deps.storage.db;
    // Refresh tokens: used ⇔ exactly one successor (no grace window is configured).
    const tokens = await db.selectFrom('refresh_tokens').select(['id', 'grant_id', 'parent_id', 'used_at']).execute();
    const children = new Map<string, number>();
    for (const token of tokens) if (token.parent_id) children.set(token.parent_id, (children.get(token.parent_id) ?? 0) + 1);
    for (const token of tokens) {
      assert.equal(children.get(token.id) ?? 0, token.used_at === null ? 0 : 1, `refresh token ${token.id} half-rotated`);
    }

    // Codes: used ⇔ a grant recorded on it, which exists with its first refresh token.
    const rows = await db.selectFrom('authorization_codes').select(['code_hash', 'used_at', 'grant_id']).execute();
    const grants = new Set((await db.selectFrom('grants').select('id').execute()).map((g) => g.id));
    const grantsWithTokens = new Set(tokens.map((token) => token.grant_id));
    for (const row of rows) {
      assert.equal(row.used_at === null, row.grant_id === null, 'a code is used exactly when it names its grant');
      if (row.grant_id !== null) {
        assert.ok(grants.has(row.grant_id), 'the grant of a used code exists');
        assert.ok(grantsWithTokens.has(row.grant_id), 'the grant of a used code has its refresh token');
      }
    }

    // Every refresh token a client received works (it was committed before the answer was sent).
    for (const r of received) {
      const found = await db
        .selectFrom('refresh_tokens')
        .select('id')
        .where('token_hash', '=', deps.secretHasher.hash(r.refreshToken))
        .executeTakeFirst();
      assert.ok(found, `a ${r.kind} answer's refresh token was not stored`);
    }

    // No code is both redeemed and usable: a used code is refused; an unused one still works once.
    const used = new Set(rows.filter((r) => r.used_at !== null).map((r) => r.code_hash));
    let usedCount = 0;
    for (const code of codes) {
      const res = await tokenInProcess({ grant_type: 'authorization_code', code });
      if (used.has(deps.secretHasher.hash(code))) {
        usedCount++;
        assert.equal(res.statusCode, 400, res.body);
        assert.equal(res.json().error, 'invalid_grant');
      } else assert.equal(res.statusCode, 200, res.body);
    }
    // And a rotated refresh token is refused, an unrotated one rotates now.
    const usedTokens = new Set(tokens.filter((token) => token.used_at !== null).map((token) => token.id));
    for (const token of refreshTokens) {
      const row = await db
        .selectFrom('refresh_tokens')
        .select('id')
        .where('token_hash', '=', deps.secretHasher.hash(token))
        .executeTakeFirstOrThrow();
      const res = await tokenInProcess({ grant_type: 'refresh_token', refresh_token: token });
      assert.equal(res.statusCode, usedTokens.has(row.id) ? 400 : 200, res.body);
    }
    t.diagnostic(
      `answered before the kill: ${answered} of ${inFlight.length}; codes used: ${usedCount} of ${CODES}; refresh tokens rotated before the kill: ${usedTokens.size}`,
    );
  });
});
