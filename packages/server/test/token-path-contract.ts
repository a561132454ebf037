import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { clientDirectoryRepository } from '../src/adapters/sql/client-directory-repository';
import { codeRepository } from '../src/adapters/sql/code-repository';
import { grantRepository } from '../src/adapters/sql/grant-repository';
import { marketDirectoryRepository } from '../src/adapters/sql/market-directory-repository';
import type { Storage } from '../src/adapters/sql/open-storage';
import { peopleDirectoryRepository } from '../src/adapters/sql/people-directory-repository';
import { endSessionsOf, signInSessionRepository } from '../src/adapters/sql/sign-in-session-repository';
import { storeDirectoryRepository } from '../src/adapters/sql/store-directory-repository';
import type { Grant } from '../src/core/model/grant';
import type { CodeStore } from '../src/core/ports/code-store';
import type { GrantStore } from '../src/core/ports/grant-store';
import { SecretHasher } from '../src/core/secrets/secret-hasher';
import { Fixtures } from './support/fixtures';
import { TestClock } from './support/test-clock';

const DAY = 86_400_000;

/**
 * The token path's repositories (grants, refresh tokens, the denylist, used assertions, codes, the
 * client, market, people and store directories, sign-in sessions), run once per database beside the
 * storage contract (storage-contract.*.test.ts): the same behaviour on both, races included.
 */
export function tokenPathContract(name: string, open: () => Promise<Storage>): void {
  describe(`token-path storage contract: ${name}`, () => {
    let storage: Storage;
    let grants: GrantStore;
    let codes: CodeStore;
    let f: Fixtures;
    const clock = new TestClock();
    let store: { id: string; slug: string };

    before(async () => {
      storage = await open();
      grants = grantRepository(storage.db);
      codes = codeRepository(storage.db);
      f = new Fixtures(storage.db, new SecretHasher(randomBytes(32)));
      store = await f.store();
    });
    after(() => storage.close());

    const newGrant = (overrides: Partial<Grant> = {}): Grant => ({
      id: randomUUID(),
      clientId: 'client-1',
      clientRecordId: 'record-1',
      clientKind: 'webapp',
      mode: 'test',
      owner: { type: 'user', id: 'user-1' },
      storeIds: [store.id],
      scope: 'stores.view',
      createdAt: clock.now(),
      expiresAt: clock.now() + 90 * DAY,
      revokedAt: null,
      ...overrides,
    });
    const refreshToken = () => ({ id: randomUUID(), tokenHash: randomUUID(), issuedAt: clock.now(), expiresAt: clock.now() + 14 * DAY });
    const auditActions = async (grantId: string) =>
      (
        await storage.db.selectFrom('audit_entries').select(['action', 'store_id']).where('target_id', '=', grantId).orderBy('id').execute()
      ).map((r) => `${r.action}@${r.store_id}`);

    describe('grants and refresh tokens', () => {
      test('consent reuse reads each distinct store set of the live grants once, filtered and limited in the database', async () => {
        const other = await f.store();
        const owner = { type: 'user' as const, id: `user-${randomUUID()}` };
        const live = (storeIds: string[], overrides: Partial<Grant> = {}) =>
          grants.create(newGrant({ owner, storeIds, clientId: 'reuse-client', ...overrides }), null, 'test');
        await live([store.id]);
        clock.advance(1);
        await live([other.id, store.id]);
        clock.advance(1);
        for (let i = 0; i < 30; i++) await live([store.id]);
        await live([]);
        await live([other.id], { scope: 'stores.manage' });
        const revoked = newGrant({ owner, storeIds: [other.id], clientId: 'reuse-client' });
        await grants.create(revoked, null, 'test');
        await grants.revokeGrants({ ids: [revoked.id] }, { reason: 'user_revoked', actor: 'system', at: clock.now() });
        await live([other.id], { expiresAt: clock.now() - 1 });
        await live([other.id], { clientId: 'another-client' });
        const sets = await grants.liveGrantStoreSets('reuse-client', owner, 'stores.view', clock.now());
        assert.deepEqual(
          sets.map((set) => set.join(' ')).sort(),
          [[store.id], [other.id, store.id].sort()].map((set) => set.join(' ')).sort(),
        );
        const within = (ids: string[], limit?: number) =>
          grants.liveGrantStoreSets('reuse-client', owner, 'stores.view', clock.now(), { within: ids, limit });
        assert.deepEqual(await within([store.id]), [[store.id]]);
        assert.deepEqual(await within([other.id]), []);
        assert.deepEqual(await within([]), []);
        assert.equal((await within([store.id, other.id], 1)).length, 1);
        // The limit is written into the SQL text: only a positive integer gets there.
        await assert.rejects(within([store.id], 0), RangeError);
        await assert.rejects(within([store.id], 1.5), RangeError);
      });

      test('a grant reads back with its stores, and its creation is audited per store', async () => {
        const other = await f.store();
        const grant = newGrant({ storeIds: [store.id, other.id].sort() });
        await grants.create(grant, null, 'user:user-1');
        const read = await grants.findGrant(grant.id);
        assert.deepEqual(read, grant);
        assert.deepEqual((await auditActions(grant.id)).sort(), [`grant.create@${store.id}`, `grant.create@${other.id}`].sort());
      });

      test('ten concurrent rotations of one refresh token: exactly one wins', async () => {
        const grant = newGrant();
        const first = refreshToken();
        await grants.create(grant, first, 'user:user-1');
        const outcomes = await Promise.all(
          Array.from({ length: 10 }, () =>
            grants.rotate({
              oldId: first.id,
              grantId: grant.id,
              now: clock.now(),
              next: refreshToken(),
              successorCipher: null,
              graceUntil: null,
            }),
          ),
        );
        assert.equal(outcomes.filter((o) => o === 'rotated').length, 1);
        assert.equal(outcomes.filter((o) => o === 'already_used').length, 9);
        assert.notEqual((await grants.findRefreshToken(first.tokenHash))?.usedAt, null);
      });

      test('a rotation under a revoked grant issues nothing', async () => {
        const grant = newGrant();
        const first = refreshToken();
        await grants.create(grant, first, 'user:user-1');
        await grants.revokeGrants({ ids: [grant.id] }, { reason: 'revoked_by_admin', actor: 'admin', at: clock.now() });
        const next = refreshToken();
        const outcome = await grants.rotate({
          oldId: first.id,
          grantId: grant.id,
          now: clock.now(),
          next,
          successorCipher: null,
          graceUntil: null,
        });
        assert.equal(outcome, 'grant_inactive');
        assert.equal(await grants.findRefreshToken(next.tokenHash), undefined);
        // Rolled back whole: the presented token is not marked used either.
        assert.equal((await grants.findRefreshToken(first.tokenHash))?.usedAt, null);
      });

      test('rotations racing a revocation: one rotates before it, or none writes anything', async () => {
        for (let round = 0; round < 5; round++) {
          const grant = newGrant();
          const first = refreshToken();
          await grants.create(grant, first, 'user:user-1');
          const nexts = Array.from({ length: 5 }, () => refreshToken());
          const [revoked, ...outcomes] = await Promise.all([
            grants.revokeGrants({ ids: [grant.id] }, { reason: 'revoked_by_admin', actor: 'admin', at: clock.now() }),
            ...nexts.map((next) =>
              grants.rotate({ oldId: first.id, grantId: grant.id, now: clock.now(), next, successorCipher: null, graceUntil: null }),
            ),
          ]);
          assert.deepEqual(revoked, [grant.id], 'the revocation always lands');
          const rotated = outcomes.filter((o) => o === 'rotated').length;
          assert.ok(rotated <= 1, `at most one rotation wins (${outcomes.join()})`);
          const presented = await grants.findRefreshToken(first.tokenHash);
          const written = await Promise.all(nexts.map((next) => grants.findRefreshToken(next.tokenHash)));
          assert.equal(written.filter(Boolean).length, rotated, 'a successor exists only for the rotation that won');
          if (rotated === 0) {
            assert.deepEqual(new Set(outcomes), new Set(['grant_inactive']), 'refused rotations saw the revoked grant');
            assert.equal(presented?.usedAt, null, 'nothing written: the presented token is not marked used');
          } else assert.notEqual(presented?.usedAt, null);
          assert.notEqual(presented?.grant.revokedAt, null, 'whatever won, the grant is revoked');
        }
      });

      test("a rotation keeps the new pair on the used token and drops the parent's once its successor is used", async () => {
        const grant = newGrant();
        const first = refreshToken();
        await grants.create(grant, first, 'user:user-1');
        const rotation = (oldId: string, next: ReturnType<typeof refreshToken>, cipher: string) =>
          grants.rotate({ oldId, grantId: grant.id, now: clock.now(), next, successorCipher: cipher, graceUntil: clock.now() + 60_000 });
        const second = refreshToken();
        assert.equal(await rotation(first.id, second, 'pair-2'), 'rotated');
        const used = await grants.findRefreshToken(first.tokenHash);
        assert.equal(used?.successorCipher, 'pair-2');
        assert.equal(used?.successorUnused, true);
        assert.equal(used?.grant.id, grant.id);
        assert.deepEqual(used?.grant.storeIds, grant.storeIds);
        const third = refreshToken();
        assert.equal(await rotation(second.id, third, 'pair-3'), 'rotated');
        const parent = await grants.findRefreshToken(first.tokenHash);
        assert.equal(parent?.successorCipher, null);
        assert.equal(parent?.graceUntil, null);
        assert.equal(parent?.successorUnused, false);
        const middle = await grants.findRefreshToken(second.tokenHash);
        assert.equal(middle?.successorCipher, 'pair-3');
        assert.equal((await grants.findRefreshToken(third.tokenHash))?.usedAt, null);
      });

      test('rotations of several chains in one turn are each decided on their own, as one after the other', async () => {
        const rotation = (oldId: string, grantId: string, next = refreshToken(), cipher: string | null = null) =>
          grants.rotate({
            oldId,
            grantId,
            now: clock.now(),
            next,
            successorCipher: cipher,
            graceUntil: cipher ? clock.now() + 60_000 : null,
          });
        const chain = async () => {
          const grant = newGrant();
          const first = refreshToken();
          await grants.create(grant, first, 'user:user-1');
          return { grant, first };
        };
        const [live, revoked, spent, graced] = [await chain(), await chain(), await chain(), await chain()];
        await grants.revokeGrants({ ids: [revoked.grant.id] }, { reason: 'revoked_by_admin', actor: 'admin', at: clock.now() });
        assert.equal(await rotation(spent.first.id, spent.grant.id), 'rotated');
        const gracedSecond = refreshToken();
        assert.equal(await rotation(graced.first.id, graced.grant.id, gracedSecond, 'pair-2'), 'rotated');

        const nexts = Array.from({ length: 5 }, () => refreshToken());
        const outcomes = await Promise.all([
          rotation(live.first.id, live.grant.id, nexts[0]),
          rotation(revoked.first.id, revoked.grant.id, nexts[1]),
          rotation(spent.first.id, spent.grant.id, nexts[2]),
          rotation(gracedSecond.id, graced.grant.id, nexts[3], 'pair-3'),
          rotation(live.first.id, live.grant.id, nexts[4]),
        ]);
        assert.deepEqual(outcomes, ['rotated', 'grant_inactive', 'already_used', 'rotated', 'already_used']);
        const written = await Promise.all(nexts.map((next) => grants.findRefreshToken(next.tokenHash)));
        assert.deepEqual(
          written.map((token) => token !== undefined),
          [true, false, false, true, false],
          'a successor exists only for the rotations that won',
        );
        assert.equal(written[0]?.grant.id, live.grant.id);
        assert.equal((await grants.findRefreshToken(revoked.first.tokenHash))?.usedAt, null, 'the refused rotation wrote nothing');
        const middle = await grants.findRefreshToken(gracedSecond.tokenHash);
        assert.deepEqual([middle?.successorCipher, middle?.graceUntil], ['pair-3', clock.now() + 60_000]);
        const parent = await grants.findRefreshToken(graced.first.tokenHash);
        assert.deepEqual([parent?.successorCipher, parent?.graceUntil], [null, null], "the parent's kept pair is dropped");
      });

      test('a revocation is audited once, and revoking again revokes nothing', async () => {
        const grant = newGrant();
        await grants.create(grant, null, 'user:user-1');
        const revocation = { reason: 'revoked_by_client', actor: 'client:client-1', at: clock.now() } as const;
        const results = await Promise.all(Array.from({ length: 5 }, () => grants.revokeGrants({ ids: [grant.id] }, revocation)));
        assert.equal(results.filter((ids) => ids.length === 1).length, 1, 'exactly one revocation wins');
        assert.deepEqual(await auditActions(grant.id), [`grant.create@${store.id}`, `grant.revoke@${store.id}`]);
        assert.equal((await grants.findGrant(grant.id))?.revokedAt, clock.now());
      });

      test('an access token is denylisted once, audited once, until its own expiry', async () => {
        const jti = randomUUID();
        const revocation = {
          jti,
          grantId: null,
          expiresAt: clock.now() + 3_600_000,
          storeIds: [store.id],
          mode: 'test' as const,
          actor: 'client:client-1',
          at: clock.now(),
        };
        await Promise.all([grants.revokeAccessToken(revocation), grants.revokeAccessToken(revocation)]);
        assert.equal(await grants.isAccessTokenRevoked(jti), true);
        assert.equal((await auditActions(jti)).length, 1);
        await grants.sweep(clock.now() + 3_600_001);
        assert.equal(await grants.isAccessTokenRevoked(jti), false);
      });

      test('an assertion id is used once, however many race for it', async () => {
        const jti = randomUUID();
        const results = await Promise.all(
          Array.from({ length: 10 }, () => grants.rememberAssertion('client-1', jti, clock.now() + 60_000)),
        );
        assert.equal(results.filter(Boolean).length, 1);
        assert.equal(await grants.rememberAssertion('client-2', jti, clock.now() + 60_000), true, 'per client');
      });
    });

    describe('authorization codes', () => {
      /** A fresh, unused code for client-1 and user-1; returns its hash. */
      const savedCode = async (code: { redirectUriSent: boolean; storeIds: string[] }) => {
        const hash = randomUUID();
        await codes.save(hash, {
          clientId: 'client-1',
          redirectUri: 'https://app.example/cb',
          codeChallenge: null,
          scope: 'stores.view',
          owner: { type: 'user', id: 'user-1' },
          createdAt: clock.now(),
          expiresAt: clock.now() + 60_000,
          usedAt: null,
          grantId: null,
          ...code,
        });
        return hash;
      };

      test('codes saved in one turn are each stored; a code that cannot be stored fails its own save alone', async () => {
        const code = {
          clientId: 'client-1',
          redirectUri: 'https://app.example/cb',
          redirectUriSent: true,
          codeChallenge: null,
          scope: 'stores.view',
          storeIds: [store.id],
          owner: { type: 'user' as const, id: 'user-1' },
          createdAt: clock.now(),
          expiresAt: clock.now() + 60_000,
          usedAt: null,
          grantId: null,
        };
        const hashes = Array.from({ length: 4 }, () => randomUUID());
        const saves = await Promise.allSettled([...hashes, hashes[1] as string].map((hash) => codes.save(hash, code)));
        assert.deepEqual(
          saves.map((save) => save.status),
          ['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected'],
          'the second save of one hash is refused, the others stored',
        );
        for (const hash of hashes) assert.equal((await codes.find(hash))?.clientId, 'client-1');
      });

      test('redemptions of several codes in one turn are each decided on their own; one that cannot be written fails alone', async () => {
        const [a, b, c, spent, clashing] = await Promise.all(
          Array.from({ length: 5 }, () => savedCode({ redirectUriSent: true, storeIds: [store.id] })),
        );
        const existing = newGrant();
        await grants.create(existing, null, 'user:user-1');
        assert.equal(await codes.redeem(spent as string, clock.now(), newGrant(), refreshToken(), 'user:user-1'), 'redeemed');
        const attempts = [
          { hash: a, grant: newGrant() },
          { hash: b, grant: newGrant() },
          { hash: spent, grant: newGrant() },
          { hash: clashing, grant: newGrant({ id: existing.id }) },
          { hash: a, grant: newGrant() },
          { hash: c, grant: newGrant() },
        ].map((attempt) => ({ ...attempt, refresh: refreshToken() }));
        const outcomes = await Promise.allSettled(
          attempts.map(({ hash, grant, refresh }) => codes.redeem(hash as string, clock.now(), grant, refresh, 'user:user-1')),
        );
        assert.deepEqual(
          outcomes.map((o) => (o.status === 'fulfilled' ? o.value : 'error')),
          ['redeemed', 'redeemed', 'already_used', 'error', 'already_used', 'redeemed'],
        );
        const created = await Promise.all(attempts.map(({ grant }) => grants.findGrant(grant.id)));
        assert.deepEqual(
          created.map((grant, i) => grant !== undefined && grant.createdAt === attempts[i]?.grant.createdAt && i !== 3),
          [true, true, false, false, false, true],
          'a grant exists for each redemption that won, and only for those',
        );
        for (const i of [0, 1, 5]) {
          const attempt = attempts[i];
          assert.equal((await codes.find(attempt?.hash as string))?.grantId, attempt?.grant.id);
          assert.equal((await grants.findRefreshToken(attempt?.refresh.tokenHash as string))?.grantId, attempt?.grant.id);
        }
        assert.equal(await grants.findRefreshToken(attempts[4]?.refresh.tokenHash as string), undefined, 'the second use wrote nothing');
        const refused = await codes.find(clashing as string);
        assert.deepEqual([refused?.usedAt, refused?.grantId], [null, null], 'the refused redemption wrote nothing, its code unused');
      });

      test('ten concurrent redemptions of one code: one grant, nine already used', async () => {
        const hash = await savedCode({ redirectUriSent: true, storeIds: [store.id] });
        const other = await f.store();
        const storeIds = [store.id, other.id].sort();
        const attempts = Array.from({ length: 10 }, () => ({ grant: newGrant({ storeIds }), refresh: refreshToken() }));
        const outcomes = await Promise.all(
          attempts.map(({ grant, refresh }) => codes.redeem(hash, clock.now(), grant, refresh, 'user:user-1')),
        );
        assert.equal(outcomes.filter((o) => o === 'redeemed').length, 1);
        const winner = attempts[outcomes.indexOf('redeemed')];
        assert.ok(winner);
        assert.equal((await codes.find(hash))?.grantId, winner.grant.id);
        assert.notEqual((await codes.find(hash))?.usedAt, null);
        const created = await Promise.all(attempts.map(({ grant }) => grants.findGrant(grant.id)));
        assert.equal(created.filter(Boolean).length, 1, 'the losers created no grant');
        // The winner's grant is whole: its stores, its first refresh token, one audit entry per store.
        assert.deepEqual(await grants.findGrant(winner.grant.id), winner.grant);
        const issued = await grants.findRefreshToken(winner.refresh.tokenHash);
        assert.equal(issued?.grantId, winner.grant.id);
        assert.equal(issued?.clientId, winner.grant.clientId);
        assert.equal(issued?.usedAt, null);
        assert.equal(issued?.expiresAt, winner.refresh.expiresAt);
        assert.deepEqual(issued?.grant.storeIds, storeIds);
        assert.deepEqual((await auditActions(winner.grant.id)).sort(), storeIds.map((id) => `grant.create@${id}`).sort());
        for (const loser of attempts.filter((a) => a !== winner)) {
          assert.equal(await grants.findRefreshToken(loser.refresh.tokenHash), undefined, 'no refresh token for a loser');
          assert.deepEqual(await auditActions(loser.grant.id), [], 'nothing audited for a loser');
        }
      });

      test('a redemption without a refresh token or a store writes the grant alone, audited once', async () => {
        const hash = await savedCode({ redirectUriSent: false, storeIds: [] });
        const grant = newGrant({ storeIds: [] });
        assert.equal(await codes.redeem(hash, clock.now(), grant, null, 'user:user-1'), 'redeemed');
        assert.deepEqual(await grants.findGrant(grant.id), grant);
        assert.deepEqual(await auditActions(grant.id), ['grant.create@null']);
        assert.equal(await codes.redeem(hash, clock.now(), newGrant(), null, 'user:user-1'), 'already_used');
      });
    });

    describe('directories', () => {
      test('clients: a credential with its store and mode, an app in live mode with no store, unknown ids nowhere', async () => {
        const clients = clientDirectoryRepository(storage.db);
        const credential = await f.credential(store.id, 'test', 'integration', { scopes: ['stores.view'] });
        const found = await clients.findByClientId(credential.clientId);
        assert.equal(found?.kind, 'integration');
        assert.equal(found?.confidential, true);
        assert.deepEqual(found?.store, store);
        assert.equal(found?.mode, 'test');
        const user = await f.user(`${randomUUID()}@example.com`);
        const app = await f.app(user.id, { confidential: false });
        const foundApp = await clients.findByClientId(app.clientId);
        assert.equal(foundApp?.kind, 'app');
        assert.equal(foundApp?.confidential, false);
        assert.equal(foundApp?.store, null);
        assert.equal(foundApp?.mode, 'live');
        assert.equal(await clients.findByClientId('no-such-client'), undefined);
      });

      test('markets and stock locations by id or code, in their own store and mode only', async () => {
        const markets = marketDirectoryRepository(storage.db);
        const location = await f.stockLocation(store.id, 'test', 'wh');
        const prices = await f.priceList(store.id, 'test', 'eur');
        const market = await f.market(store.id, 'test', 'eu', { priceListId: prices.id, stockLocationIds: [location.id] });
        assert.equal((await markets.findMarket(store.id, 'test', { by: 'code', value: 'eu' }))?.id, market.id);
        assert.deepEqual((await markets.findMarket(store.id, 'test', { by: 'id', value: market.id }))?.stockLocationIds, [location.id]);
        assert.equal(await markets.findMarket(store.id, 'live', { by: 'code', value: 'eu' }), undefined);
        assert.equal(await markets.findMarket((await f.store()).id, 'test', { by: 'id', value: market.id }), undefined);
        assert.equal((await markets.findStockLocation(store.id, 'test', { by: 'code', value: 'wh' }))?.id, location.id);
      });

      test('people: customers by email in their store and mode, roles, managed stores', async () => {
        const people = peopleDirectoryRepository(storage.db);
        const customer = await f.customer(store.id, 'test', `${randomUUID()}@example.com`, 'a password 1');
        assert.equal((await people.findCustomerByEmail(store.id, 'test', customer.email.toUpperCase()))?.id, customer.id);
        assert.equal(await people.findCustomerByEmail(store.id, 'live', customer.email), undefined);
        const user = await f.user(`${randomUUID()}@example.com`);
        const managed = await f.store();
        await f.membership(managed.id, user.id, 'admin');
        await f.membership(store.id, user.id, 'member');
        assert.equal(await people.findRole(managed.id, user.id), 'admin');
        assert.deepEqual(
          (await storeDirectoryRepository(storage.db).storesManagedBy(user.id)).map((s) => s.id),
          [managed.id],
          'a member manages nothing',
        );
      });
    });

    describe('sign-in sessions', () => {
      test('a session reads back until it is deleted, and a person’s sessions end together', async () => {
        const sessions = signInSessionRepository(storage.db);
        const person = { type: 'user' as const, id: randomUUID() };
        await sessions.create('one', { person, createdAt: clock.now(), expiresAt: clock.now() + DAY });
        await sessions.create('two', { person, createdAt: clock.now(), expiresAt: clock.now() + DAY });
        assert.deepEqual((await sessions.find('one'))?.person, person);
        await sessions.delete('one');
        assert.equal(await sessions.find('one'), undefined);
        await storage.db.transaction().execute((trx) => endSessionsOf(trx, person));
        assert.equal(await sessions.find('two'), undefined);
      });

      test('sessions looked up in one turn each read their own, a missing one none', async () => {
        const sessions = signInSessionRepository(storage.db);
        const people = Array.from({ length: 4 }, () => ({ type: 'user' as const, id: randomUUID() }));
        const hashes = people.map(() => randomUUID());
        await Promise.all(
          people.map((person, i) => sessions.create(hashes[i] as string, { person, createdAt: clock.now(), expiresAt: clock.now() + DAY })),
        );
        const found = await Promise.all([...hashes, randomUUID(), hashes[2] as string].map((hash) => sessions.find(hash)));
        assert.deepEqual(
          found.map((session) => session?.person.id),
          [...people.map((person) => person.id), undefined, people[2]?.id],
        );
      });
    });
  });
}
