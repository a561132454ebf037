import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TestClock } from '../../../test/support/test-clock';
import { ChangeHub } from '../../core/change-hub';
import type { Grant } from '../../core/model/grant';
import type { GrantStore, NewRefreshToken, RotationOutcome, StoredRefreshToken } from '../../core/ports/grant-store';
import { rememberRefreshTokens } from './remember-refresh-tokens';

/**
 * Refresh tokens and grants in memory, deciding rotation as storage does (the token unused and its
 * grant live, or nothing changes), and counting the reads that reach it.
 */
function storageBehind(clock: TestClock) {
  const tokens = new Map<string, StoredRefreshToken>();
  const grants = new Map<string, Grant>();
  const state = { reads: 0 };
  const store = {
    async findRefreshToken(tokenHash: string) {
      state.reads++;
      const token = tokens.get(tokenHash);
      return token && { ...token, grant: grants.get(token.grantId) as Grant };
    },
    async findRefreshTokenToRotate(tokenHash: string) {
      return store.findRefreshToken(tokenHash);
    },
    async rotate({ oldId, grantId, now, next }: Parameters<GrantStore['rotate']>[0]): Promise<RotationOutcome> {
      const grant = grants.get(grantId);
      if (!grant || grant.revokedAt !== null || grant.expiresAt <= now) return 'grant_inactive';
      const [hash, old] = [...tokens].find(([, token]) => token.id === oldId) ?? [];
      if (hash === undefined || old === undefined || old.usedAt !== null) return 'already_used';
      tokens.set(hash, { ...old, usedAt: now });
      tokens.set(next.tokenHash, stored(next, grant, old.clientId));
      return 'rotated';
    },
  } as unknown as GrantStore;
  const issue = (hash: string, grantId = 'g1') => {
    const grant: Grant = {
      id: grantId,
      clientId: 'webapp',
      clientRecordId: 'cred_1',
      clientKind: 'webapp',
      mode: 'test',
      owner: { type: 'user', id: 'u1' },
      storeIds: ['s1'],
      scope: 'stores.view',
      createdAt: clock.now(),
      expiresAt: clock.now() + 86_400_000,
      revokedAt: null,
    };
    grants.set(grantId, grant);
    tokens.set(hash, stored(newToken(clock, `id-${hash}`, hash), grant, 'webapp'));
  };
  const revoke = (grantId: string) => {
    const grant = grants.get(grantId) as Grant;
    grants.set(grantId, { ...grant, revokedAt: clock.now() });
  };
  return { store, state, issue, revoke };
}

function newToken(clock: TestClock, id: string, tokenHash: string): NewRefreshToken {
  return { id, tokenHash, issuedAt: clock.now(), expiresAt: clock.now() + 3_600_000 };
}

function stored(token: NewRefreshToken, grant: Grant, clientId: string): StoredRefreshToken {
  return {
    id: token.id,
    grantId: grant.id,
    clientId,
    issuedAt: token.issuedAt,
    expiresAt: token.expiresAt,
    usedAt: null,
    successorCipher: null,
    graceUntil: null,
    successorUnused: false,
    grant,
  };
}

/** Finds the token as a refresh does and rotates it into `nextHash`. */
async function refresh(grants: GrantStore, clock: TestClock, hash: string, nextHash: string) {
  const token = await grants.findRefreshTokenToRotate(hash);
  assert.ok(token, `${hash} was not found`);
  if (token.usedAt !== null) return { token, outcome: 'already_used' as const };
  const outcome = await grants.rotate({
    oldId: token.id,
    grantId: token.grantId,
    now: clock.now(),
    next: newToken(clock, `id-${nextHash}`, nextHash),
    successorCipher: null,
    graceUntil: null,
  });
  return { token, outcome };
}

describe('refresh-token chains remembered by the instance that rotates them (ADR 0034)', () => {
  test('the successor of a rotation is found for the next one without reading storage', async () => {
    const clock = new TestClock();
    const { store, state, issue } = storageBehind(clock);
    const grants = rememberRefreshTokens(store, new ChangeHub(), clock);
    issue('h1');
    assert.equal((await refresh(grants, clock, 'h1', 'h2')).outcome, 'rotated');
    assert.equal(state.reads, 1, 'the first token of the chain is read from storage');
    const second = await refresh(grants, clock, 'h2', 'h3');
    assert.equal(second.outcome, 'rotated');
    assert.equal(state.reads, 1);
    assert.deepEqual(
      { id: second.token.id, clientId: second.token.clientId, grantId: second.token.grantId, usedAt: second.token.usedAt },
      { id: 'id-h2', clientId: 'webapp', grantId: 'g1', usedAt: null },
    );
    assert.equal(second.token.grant.scope, 'stores.view');
    assert.equal((await refresh(grants, clock, 'h3', 'h4')).outcome, 'rotated');
    assert.equal(state.reads, 1);
  });

  test('a rotated token presented again is read from storage, which shows its use', async () => {
    const clock = new TestClock();
    const { store, state, issue } = storageBehind(clock);
    const grants = rememberRefreshTokens(store, new ChangeHub(), clock);
    issue('h1');
    await refresh(grants, clock, 'h1', 'h2');
    await refresh(grants, clock, 'h2', 'h3');
    const replay = await grants.findRefreshTokenToRotate('h2');
    assert.equal(state.reads, 2);
    assert.notEqual(replay?.usedAt, null);
  });

  test('two refreshes with one token found unused at once: storage lets one win, and neither leaves the token remembered', async () => {
    const clock = new TestClock();
    const { store, state, issue } = storageBehind(clock);
    const grants = rememberRefreshTokens(store, new ChangeHub(), clock);
    issue('h1');
    await refresh(grants, clock, 'h1', 'h2');
    const outcomes = await Promise.all([refresh(grants, clock, 'h2', 'h3a'), refresh(grants, clock, 'h2', 'h3b')]);
    assert.deepEqual(outcomes.map((o) => o.outcome).sort(), ['already_used', 'rotated']);
    const reads = state.reads;
    assert.notEqual((await grants.findRefreshTokenToRotate('h2'))?.usedAt, null);
    assert.equal(state.reads, reads + 1);
    const winner = outcomes.find((o) => o.outcome === 'rotated') === outcomes[0] ? 'h3a' : 'h3b';
    const loser = winner === 'h3a' ? 'h3b' : 'h3a';
    await grants.findRefreshTokenToRotate(winner);
    assert.equal(state.reads, reads + 1, 'the winner’s successor is remembered');
    assert.equal(await grants.findRefreshTokenToRotate(loser), undefined, 'the loser’s successor was never stored');
  });

  test('a copy that missed a use elsewhere is answered, and storage refuses its rotation', async () => {
    const clock = new TestClock();
    const { store, issue } = storageBehind(clock);
    const here = rememberRefreshTokens(store, new ChangeHub(), clock);
    const elsewhere = rememberRefreshTokens(store, new ChangeHub(), clock);
    issue('h1');
    await refresh(here, clock, 'h1', 'h2');
    assert.equal((await refresh(elsewhere, clock, 'h2', 'h3')).outcome, 'rotated');
    const stale = await refresh(here, clock, 'h2', 'h3x');
    assert.equal(stale.token.usedAt, null, 'this instance’s copy did not see the use');
    assert.equal(stale.outcome, 'already_used');
    assert.notEqual((await here.findRefreshTokenToRotate('h2'))?.usedAt, null, 'and is gone: storage answers next');
  });

  test('a grant revoked here or elsewhere (the change channel) is forgotten: the next refresh reads storage', async () => {
    const clock = new TestClock();
    const { store, state, issue, revoke } = storageBehind(clock);
    const changes = new ChangeHub();
    const grants = rememberRefreshTokens(store, changes, clock);
    issue('h1');
    await refresh(grants, clock, 'h1', 'h2');
    revoke('g1');
    changes.deliver({ collection: 'grants', id: 'g1' });
    const token = await grants.findRefreshTokenToRotate('h2');
    assert.equal(state.reads, 2);
    assert.notEqual(token?.grant.revokedAt, null);
    assert.equal((await refresh(grants, clock, 'h2', 'h3')).outcome, 'grant_inactive');
    assert.equal(state.reads, 3, 'a token of a revoked grant is never remembered');
  });

  test('a grant revoked without a word to this instance: the copy is answered and storage refuses the rotation', async () => {
    const clock = new TestClock();
    const { store, issue, revoke } = storageBehind(clock);
    const grants = rememberRefreshTokens(store, new ChangeHub(), clock);
    issue('h1');
    await refresh(grants, clock, 'h1', 'h2');
    revoke('g1');
    assert.equal((await refresh(grants, clock, 'h2', 'h3')).outcome, 'grant_inactive');
  });

  test('introspection and revocation read storage, never the copy', async () => {
    const clock = new TestClock();
    const { store, state, issue } = storageBehind(clock);
    const grants = rememberRefreshTokens(store, new ChangeHub(), clock);
    issue('h1');
    await refresh(grants, clock, 'h1', 'h2');
    await grants.findRefreshToken('h2');
    assert.equal(state.reads, 2);
  });

  test('an expired copy, a token pushed out by newer chains, or one replaced in its grant is read from storage', async () => {
    const clock = new TestClock();
    const { store, state, issue } = storageBehind(clock);
    const grants = rememberRefreshTokens(store, new ChangeHub(), clock, 2);
    for (const grant of ['g1', 'g2', 'g3']) issue(`${grant}-1`, grant);
    for (const grant of ['g1', 'g2', 'g3']) await refresh(grants, clock, `${grant}-1`, `${grant}-2`);
    assert.equal(state.reads, 3);
    await grants.findRefreshTokenToRotate('g1-2');
    assert.equal(state.reads, 4, 'the least recently rotated chain went when a third was remembered');
    await grants.findRefreshTokenToRotate('g3-2');
    assert.equal(state.reads, 4);

    issue('g3-other', 'g3');
    await grants.findRefreshTokenToRotate('g3-other');
    await grants.findRefreshTokenToRotate('g3-2');
    assert.equal(state.reads, 6, 'one token per grant is remembered');
    await grants.findRefreshTokenToRotate('g3-2');
    assert.equal(state.reads, 6);

    clock.advance(3601);
    assert.equal((await grants.findRefreshTokenToRotate('g3-2'))?.id, 'id-g3-2', 'storage answers, and the core tells it expired');
    assert.equal(state.reads, 7);
  });

  test('a rotation storage failed is not remembered, and the token is read again', async () => {
    const clock = new TestClock();
    const { store, state, issue } = storageBehind(clock);
    const grants = rememberRefreshTokens({ ...store, rotate: () => Promise.reject(new Error('connection lost')) }, new ChangeHub(), clock);
    issue('h1');
    await assert.rejects(refresh(grants, clock, 'h1', 'h2'), /connection lost/);
    assert.equal(await grants.findRefreshTokenToRotate('h2'), undefined);
    await grants.findRefreshTokenToRotate('h1');
    assert.equal(state.reads, 3);
  });
});
