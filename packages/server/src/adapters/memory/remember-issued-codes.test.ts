import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TestClock } from '../../../test/support/test-clock';
import type { CodeStore, RedemptionOutcome, StoredCode } from '../../core/ports/code-store';
import { rememberIssuedCodes } from './remember-issued-codes';

/** A code store in memory that counts the reads reaching it and decides single use as storage does. */
function storageBehind() {
  const rows = new Map<string, StoredCode>();
  const state = { reads: 0 };
  const store: CodeStore = {
    async save(codeHash, code) {
      rows.set(codeHash, code);
    },
    async find(codeHash) {
      state.reads++;
      return rows.get(codeHash);
    },
    async redeem(codeHash, now, grant): Promise<RedemptionOutcome> {
      const row = rows.get(codeHash);
      if (!row || row.usedAt !== null) return 'already_used';
      rows.set(codeHash, { ...row, usedAt: now, grantId: grant.id });
      return 'redeemed';
    },
    async sweep() {},
  };
  return { store, state, rows };
}

function code(clock: TestClock): StoredCode {
  return {
    clientId: 'app',
    redirectUri: 'https://app.invalid/cb',
    redirectUriSent: true,
    codeChallenge: null,
    scope: 'read',
    storeIds: ['s1'],
    owner: { type: 'user', id: 'u1' },
    createdAt: clock.now(),
    expiresAt: clock.now() + 60_000,
    usedAt: null,
    grantId: null,
  };
}

const grant = { id: 'g1' } as Parameters<CodeStore['redeem']>[2];
const actor = { type: 'user', id: 'u1' } as unknown as Parameters<CodeStore['redeem']>[4];

describe('authorization codes remembered by the instance that issued them (ADR 0033)', () => {
  test('a code issued here is found without reading storage', async () => {
    const clock = new TestClock();
    const { store, state } = storageBehind();
    const codes = rememberIssuedCodes(store, clock);
    await codes.save('h1', code(clock));
    assert.equal((await codes.find('h1'))?.clientId, 'app');
    assert.equal(state.reads, 0);
  });

  test('once its use is attempted, every read goes to storage: a replay sees the use and the grant to revoke', async () => {
    const clock = new TestClock();
    const { store, state } = storageBehind();
    const codes = rememberIssuedCodes(store, clock);
    await codes.save('h1', code(clock));
    assert.equal(await codes.redeem('h1', clock.now(), grant, null, actor), 'redeemed');
    const replay = await codes.find('h1');
    assert.equal(state.reads, 1);
    assert.notEqual(replay?.usedAt, null);
    assert.equal(replay?.grantId, 'g1');
  });

  test('two redemptions found unused at once: storage lets one win, the loser reads the grant from storage', async () => {
    const clock = new TestClock();
    const { store } = storageBehind();
    const codes = rememberIssuedCodes(store, clock);
    await codes.save('h1', code(clock));
    const [first, second] = await Promise.all([codes.find('h1'), codes.find('h1')]);
    assert.equal(first?.usedAt, null);
    assert.equal(second?.usedAt, null);
    const outcomes = await Promise.all([
      codes.redeem('h1', clock.now(), grant, null, actor),
      codes.redeem('h1', clock.now(), { id: 'g2' } as typeof grant, null, actor),
    ]);
    assert.deepEqual(outcomes.sort(), ['already_used', 'redeemed']);
    assert.equal((await codes.find('h1'))?.grantId, 'g1');
  });

  test('a code issued elsewhere, an expired one, or one pushed out by newer ones is read from storage', async () => {
    const clock = new TestClock();
    const { store, state, rows } = storageBehind();
    const codes = rememberIssuedCodes(store, clock, 2);
    rows.set('elsewhere', code(clock));
    assert.equal((await codes.find('elsewhere'))?.clientId, 'app');
    assert.equal(state.reads, 1);

    await codes.save('old', code(clock));
    await codes.save('newer', code(clock));
    await codes.save('newest', code(clock));
    await codes.find('old');
    assert.equal(state.reads, 2, 'the oldest code went when a third was issued');
    await codes.find('newest');
    assert.equal(state.reads, 2);

    clock.advance(61);
    assert.equal((await codes.find('newest'))?.clientId, 'app', 'storage still answers, and the core tells it expired');
    assert.equal(state.reads, 3);
  });

  test('a code that storage refused to save is not remembered', async () => {
    const clock = new TestClock();
    const { store, state } = storageBehind();
    const codes = rememberIssuedCodes({ ...store, save: async () => Promise.reject(new Error('disk full')) }, clock);
    await assert.rejects(codes.save('h1', code(clock)), /disk full/);
    assert.equal(await codes.find('h1'), undefined);
    assert.equal(state.reads, 1);
  });
});
