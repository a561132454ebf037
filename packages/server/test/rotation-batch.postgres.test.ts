import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { grantRepository } from '../src/adapters/sql/grant-repository';
import type { Storage } from '../src/adapters/sql/open-storage';
import { redemptionBatchStatement } from '../src/adapters/sql/redeem-authorization-code';
import { rotationBatchStatement } from '../src/adapters/sql/rotate-refresh-token';
import type { Grant } from '../src/core/model/grant';
import type { GrantStore } from '../src/core/ports/grant-store';
import { TestClock } from './support/test-clock';
import { openTestStorage, postgresReachable } from './support/test-storage';

/*
 * Rotations gathered into one PostgreSQL statement (ADR 0035) lock their grants in the order of
 * their ids. A transaction that locks the same grants in the other order (a revocation of several
 * grants may) deadlocks with it; PostgreSQL aborts one side, and when that side is the batch, every
 * rotation in it runs again on its own: none is lost, refused or answered an error.
 */
describe('PostgreSQL: rotations in one statement', { skip: !(await postgresReachable()) && 'PostgreSQL is unreachable' }, () => {
  let storage: Storage;
  let grants: GrantStore;
  const clock = new TestClock();

  before(async () => {
    storage = await openTestStorage('postgres');
    grants = grantRepository(storage.db);
  });
  after(() => storage.close());

  const grantWithId = (id: string): Grant => ({
    id,
    clientId: 'client-1',
    clientRecordId: 'record-1',
    clientKind: 'webapp',
    mode: 'test',
    owner: { type: 'user', id: 'user-1' },
    storeIds: [],
    scope: 'stores.view',
    createdAt: clock.now(),
    expiresAt: clock.now() + 86_400_000,
    revokedAt: null,
  });
  const chain = async (id: string) => {
    const grant = grantWithId(id);
    const first = { id: randomUUID(), tokenHash: randomUUID(), issuedAt: clock.now(), expiresAt: clock.now() + 86_400_000 };
    await grants.create(grant, first, 'user:user-1');
    return { grant, first };
  };
  const rotate = ({ grant, first }: Awaited<ReturnType<typeof chain>>) => {
    const next = { id: randomUUID(), tokenHash: randomUUID(), issuedAt: clock.now(), expiresAt: clock.now() + 86_400_000 };
    return grants.rotate({ oldId: first.id, grantId: grant.id, now: clock.now(), next, successorCipher: null, graceUntil: null });
  };

  test('a batch that deadlocks with a transaction locking its grants in the other order: each rotation runs again alone, and lands', async () => {
    const suffix = randomUUID();
    const lower = await chain(`a-${suffix}`);
    const higher = await chain(`b-${suffix}`);
    let rotations: Promise<unknown[]> | undefined;
    await storage.db.transaction().execute(async (trx) => {
      // This side waits ten seconds before looking for a deadlock, the batch's side one (the default):
      // so PostgreSQL aborts the batch, which has locked the lower grant and waits for the higher.
      await sql`set local deadlock_timeout = '10s'`.execute(trx);
      await sql`select id from grants where id = ${higher.grant.id} for update`.execute(trx);
      rotations = Promise.all([rotate(lower), rotate(higher)]);
      await sleep(300);
      // Granted only once the batch's transaction is gone: it held this lock until aborted.
      await sql`select id from grants where id = ${lower.grant.id} for update`.execute(trx);
    });
    assert.deepEqual(await rotations, ['rotated', 'rotated']);
    for (const { first } of [lower, higher]) assert.notEqual((await grants.findRefreshToken(first.tokenHash))?.usedAt, null);
  });

  test('with many rows, the batched rotation and redemption find their rows by key, scanning no table whole', async () => {
    // A plan that scans a table whole costs nothing on the small tables of a test and everything at a
    // million rows (bench:growth caught one: 0.4 s a batch); the planner sees the difference from here.
    const at = "'2026-12-03T00:00:00.000Z'";
    await sql`insert into grants (id, client_id, client_record_id, client_kind, mode, owner_type, owner_id, scope, created_at, expires_at)
      select 'plan-g' || n, 'c1', 'r1', 'webapp', 'test', 'user', 'u1', 'stores.view', ${sql.raw(at)}, '2099-01-01T00:00:00.000Z'
        from generate_series(1, 50000) n`.execute(storage.db);
    await sql`insert into refresh_tokens (id, grant_id, client_id, token_hash, parent_id, issued_at, expires_at)
      select 'plan-t' || n, 'plan-g' || n, 'c1', 'plan-h' || n, null, ${sql.raw(at)}, '2099-01-01T00:00:00.000Z'
        from generate_series(1, 50000) n`.execute(storage.db);
    await sql`insert into authorization_codes (code_hash, client_id, redirect_uri, redirect_uri_sent, code_challenge, scope, store_ids, owner_type, owner_id, created_at, expires_at)
      select 'plan-c' || n, 'c1', 'https://app.example/cb', 1, null, 'stores.view', '[]', 'user', 'u1', ${sql.raw(at)}, '2099-01-01T00:00:00.000Z'
        from generate_series(1, 50000) n`.execute(storage.db);
    await sql`analyze grants, refresh_tokens, authorization_codes`.execute(storage.db);
    const next = (n: number) => ({
      id: `plan-next-${n}`,
      tokenHash: `plan-next-h${n}`,
      issuedAt: clock.now(),
      expiresAt: clock.now() + 60_000,
    });
    const rotations = [5, 7].map((n) => ({
      oldId: `plan-t${n}`,
      grantId: `plan-g${n}`,
      now: clock.now(),
      next: next(n),
      successorCipher: null,
      graceUntil: null,
    }));
    const redemptions = [5, 7].map((n) => ({
      codeHash: `plan-c${n}`,
      now: clock.now(),
      grant: grantWithId(`plan-new-${n}`),
      refresh: next(100 + n),
      actor: 'user:u1' as const,
      apiKeyKid: undefined,
    }));
    for (const statement of [rotationBatchStatement(rotations), redemptionBatchStatement(redemptions)]) {
      const plan = (await sql<{ 'QUERY PLAN': string }>`explain ${statement}`.execute(storage.db)).rows.map((row) => row['QUERY PLAN']);
      const scans = plan.filter((line) => /Seq Scan on (grants|refresh_tokens|authorization_codes)\b/.test(line));
      assert.deepEqual(scans, [], plan.join('\n'));
    }
  });
});
