import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { grantRepository } from '../src/adapters/sql/grant-repository';
import type { Storage } from '../src/adapters/sql/open-storage';
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

  const chain = async (id: string) => {
    const grant: Grant = {
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
    };
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
});
