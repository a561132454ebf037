import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createTokenManager, NetworkError, OAuthResponseError, type TokenSet } from '../src/index.js';

const T0 = Date.UTC(2030, 0, 1, 12, 0, 0);

/** A token set issued at `at` (ms), living `expiresIn` seconds. */
function tokenSet(accessToken: string, at: number, expiresIn = 3600, refreshToken?: string): TokenSet {
  const createdAt = Math.floor(at / 1000);
  return {
    accessToken,
    tokenType: 'Bearer',
    expiresIn,
    expires: new Date((createdAt + expiresIn) * 1000),
    scope: 'stores.view',
    createdAt,
    ...(refreshToken ? { refreshToken } : {}),
  };
}

/** A clock the test moves, and a source of tokens that counts its calls and can be told to fail or wait. */
function world() {
  const clock = { now: T0 };
  const calls: string[] = [];
  let next = 0;
  let failWith: unknown;
  let gate: Promise<void> | undefined;
  const issue = async (kind: string, refreshToken?: string) => {
    calls.push(refreshToken ? `${kind}:${refreshToken}` : kind);
    if (gate) await gate;
    if (failWith !== undefined) throw failWith;
    next++;
    return tokenSet(`at-${next}`, clock.now, 3600, kind === 'get' && !withRefresh ? undefined : `rt-${next}`);
  };
  let withRefresh = false;
  return {
    clock,
    calls,
    get: () => issue('get'),
    refresh: (refreshToken: string) => issue('refresh', refreshToken),
    useRefreshTokens() {
      withRefresh = true;
    },
    fail(error: unknown) {
      failWith = error;
    },
    recover() {
      failWith = undefined;
    },
    hold() {
      let open!: () => void;
      gate = new Promise((resolve) => {
        open = resolve;
      });
      return () => {
        gate = undefined;
        open();
      };
    },
  };
}

describe('createTokenManager', () => {
  test('50 concurrent callers: one request, one token for all', async () => {
    const w = world();
    const manager = createTokenManager({ get: w.get, now: () => w.clock.now });
    const release = w.hold();
    const waiting = Array.from({ length: 50 }, () => manager.token());
    release();
    const tokens = await Promise.all(waiting);
    assert.deepEqual(w.calls, ['get']);
    assert.deepEqual(new Set(tokens), new Set(['at-1']));
  });

  test('cached until refreshSkewSeconds before expiry, then renewed once', async () => {
    const w = world();
    const manager = createTokenManager({ get: w.get, refreshSkewSeconds: 60, now: () => w.clock.now });
    assert.equal(await manager.token(), 'at-1');
    w.clock.now = T0 + (3600 - 61) * 1000;
    assert.equal(await manager.token(), 'at-1');
    w.clock.now = T0 + (3600 - 60) * 1000;
    assert.equal(await manager.token(), 'at-2');
    assert.equal(await manager.token(), 'at-2');
    assert.deepEqual(w.calls, ['get', 'get']);
  });

  test('a skew longer than the token’s life renews at half-life, not on every call', async () => {
    const w = world();
    const manager = createTokenManager({ get: w.get, refreshSkewSeconds: 7200, now: () => w.clock.now });
    await manager.token();
    w.clock.now = T0 + 1799_000;
    await manager.token();
    assert.deepEqual(w.calls, ['get']);
    w.clock.now = T0 + 1800_000;
    assert.equal(await manager.token(), 'at-2');
  });

  test('with a refresh token, renewal uses it (and the rotated one next time)', async () => {
    const w = world();
    w.useRefreshTokens();
    const manager = createTokenManager({ get: w.get, refresh: w.refresh, now: () => w.clock.now });
    assert.equal(await manager.token(), 'at-1');
    w.clock.now += 3600_000;
    assert.equal(await manager.token(), 'at-2');
    w.clock.now += 3600_000;
    assert.equal(await manager.token(), 'at-3');
    assert.deepEqual(w.calls, ['get', 'refresh:rt-1', 'refresh:rt-2']);
  });

  test('a refresh token refused with invalid_grant: start over with get, in the same renewal', async () => {
    const w = world();
    w.useRefreshTokens();
    let refusals = 0;
    const manager = createTokenManager({
      get: w.get,
      refresh: async (refreshToken) => {
        if (refusals++ === 0) {
          w.calls.push(`refresh:${refreshToken}`);
          throw new OAuthResponseError('invalid_grant', { status: 400, description: 'revoked' });
        }
        return w.refresh(refreshToken);
      },
      now: () => w.clock.now,
    });
    await manager.token();
    w.clock.now += 3600_000;
    assert.equal(await manager.token(), 'at-2');
    assert.deepEqual(w.calls, ['get', 'refresh:rt-1', 'get']);
  });

  test('initial: a token set already held is used, then refreshed', async () => {
    const w = world();
    const manager = createTokenManager({
      get: w.get,
      refresh: w.refresh,
      initial: tokenSet('at-initial', T0, 3600, 'rt-initial'),
      now: () => w.clock.now,
    });
    assert.equal(await manager.token(), 'at-initial');
    w.clock.now += 3600_000;
    await manager.token();
    assert.deepEqual(w.calls, ['refresh:rt-initial']);
  });

  test('invalidate: the next call renews (with the refresh token when there is one)', async () => {
    const w = world();
    w.useRefreshTokens();
    const manager = createTokenManager({ get: w.get, refresh: w.refresh, now: () => w.clock.now });
    await manager.token();
    manager.invalidate();
    assert.equal(await manager.token(), 'at-2');
    assert.deepEqual(w.calls, ['get', 'refresh:rt-1']);
  });

  test('a failure with no usable token: every waiter gets it, nothing is cached, the next call tries again', async () => {
    const w = world();
    const manager = createTokenManager({ get: w.get, now: () => w.clock.now });
    const refused = new OAuthResponseError('invalid_client', { status: 401 });
    w.fail(refused);
    const release = w.hold();
    const waiting = Array.from({ length: 5 }, () => manager.token());
    release();
    for (const outcome of await Promise.allSettled(waiting)) {
      assert.equal(outcome.status, 'rejected');
      assert.equal((outcome as PromiseRejectedResult).reason, refused);
    }
    assert.deepEqual(w.calls, ['get']);
    w.recover();
    assert.equal(await manager.token(), 'at-1');
    assert.deepEqual(w.calls, ['get', 'get']);
  });

  test('an early renewal that fails transiently keeps the still-valid token, and waits Retry-After before trying again', async () => {
    const w = world();
    const manager = createTokenManager({ get: w.get, refreshSkewSeconds: 300, now: () => w.clock.now });
    await manager.token();
    w.clock.now = T0 + 3400_000; // due (skew 300 s), not expired
    w.fail(new OAuthResponseError('too_many_requests', { status: 429, retryAfter: 30 }));
    assert.equal(await manager.token(), 'at-1');
    w.clock.now += 29_000;
    assert.equal(await manager.token(), 'at-1');
    assert.deepEqual(w.calls, ['get', 'get'], 'no new attempt within Retry-After');
    w.clock.now += 1_000;
    w.recover();
    assert.equal(await manager.token(), 'at-2');
  });

  test('a transient failure after expiry, or a lasting one before it, is the callers’ error', async () => {
    const w = world();
    const manager = createTokenManager({ get: w.get, now: () => w.clock.now });
    await manager.token();
    w.clock.now = T0 + 3600_000;
    w.fail(new NetworkError('failed', 'down'));
    await assert.rejects(manager.token(), NetworkError);
    w.recover();
    await manager.token();
    w.clock.now += 3590_000; // due, still valid
    w.fail(new OAuthResponseError('invalid_client', { status: 401 }));
    await assert.rejects(manager.token(), OAuthResponseError);
  });

  test('one caller’s abort gives up its own wait only', async () => {
    const w = world();
    const manager = createTokenManager({ get: w.get, now: () => w.clock.now });
    const release = w.hold();
    const controller = new AbortController();
    const impatient = manager.token({ signal: controller.signal });
    const patient = manager.token();
    controller.abort(new Error('gave up'));
    await assert.rejects(impatient, /gave up/);
    release();
    assert.equal(await patient, 'at-1');
    assert.deepEqual(w.calls, ['get']);
  });

  test('a renewal that fails after every waiter left is not an unhandled rejection', async () => {
    const w = world();
    const manager = createTokenManager({ get: w.get, now: () => w.clock.now });
    w.fail(new NetworkError('failed', 'down'));
    const release = w.hold();
    const controller = new AbortController();
    const waiting = manager.token({ signal: controller.signal });
    controller.abort(new Error('left'));
    await assert.rejects(waiting, /left/);
    release();
    await new Promise((resolve) => setImmediate(resolve)); // the abandoned attempt fails, unobserved
    w.recover();
    assert.equal(await manager.token(), 'at-1');
    assert.deepEqual(w.calls, ['get', 'get']);
  });

  test('tokenSet gives the whole set', async () => {
    const w = world();
    const manager = createTokenManager({ get: w.get, now: () => w.clock.now });
    const set = await manager.tokenSet();
    assert.equal(set.accessToken, 'at-1');
    assert.equal(set.scope, 'stores.view');
  });

  test('misuse: no get, a negative skew', () => {
    assert.throws(() => createTokenManager({} as never), TypeError);
    assert.throws(() => createTokenManager({ get: async () => tokenSet('x', T0), refreshSkewSeconds: -1 }), RangeError);
  });
});
