import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, test } from 'node:test';
import { createLocalJWKSet, exportJWK, jwtVerify } from 'jose';
import { checkPassword, passwordHasher } from '../src/core/secrets/password-hasher';
import { threadPoolShare } from '../src/core/secrets/thread-pool-share';
import { signJwt } from '../src/core/tokens/sign-jwt';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

describe('token signatures beside password hashing (ADR 0029)', () => {
  test('a signature made while sign-ins fill the thread pool does not wait for them', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const key = { kid: 'k1', alg: 'ES256' as const, privateKey };
    const order: string[] = [];
    // Six scrypt hashes (about 300 ms each here) against libuv's four threads: without a share for
    // them, the signature queued after them would wait for at least three to finish.
    const hashes = Array.from({ length: 6 }, (_, i) =>
      passwordHasher.hash(`password ${i}`).then((hash) => {
        order.push('hash');
        return hash;
      }),
    );
    const token = await signJwt(key, 'at+jwt', { sub: 'client-1', iat: 1 });
    order.push('signature');
    const stored = await Promise.all(hashes);
    assert.equal(order[0], 'signature', `the signature finished after ${order.indexOf('signature')} password hashes`);
    const jwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }] });
    const { payload, protectedHeader } = await jwtVerify(token, jwks, { currentDate: new Date(1000) });
    assert.deepEqual(payload, { sub: 'client-1', iat: 1 });
    assert.deepEqual(protectedHeader, { alg: 'ES256', kid: 'k1', typ: 'at+jwt' });
    // The queued hashes are still right: each checks its own password and no other.
    assert.equal(await checkPassword('password 5', stored[5]), true);
    assert.equal(await checkPassword('password 4', stored[5]), false);
  });

  test('threadPoolShare runs at most its slots at once, the rest in order of arrival', async () => {
    const share = threadPoolShare(2);
    const gates = Array.from({ length: 5 }, deferred);
    const started: number[] = [];
    let running = 0;
    let most = 0;
    const results = gates.map((gate, i) =>
      share(async () => {
        started.push(i);
        running++;
        most = Math.max(most, running);
        await gate.promise;
        running--;
        if (i === 1) throw new Error('task 1 failed');
        return i;
      }),
    );
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(started, [0, 1]);
    gates[1]?.resolve(); // a failing task gives its slot back too
    await assert.rejects(results[1] as Promise<number>, /task 1 failed/);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(started, [0, 1, 2]);
    for (const gate of gates) gate.resolve();
    assert.deepEqual(await Promise.all([results[0], results[2], results[3], results[4]]), [0, 2, 3, 4]);
    assert.deepEqual(started, [0, 1, 2, 3, 4]);
    assert.equal(most, 2);
  });

  test('a share needs at least one slot', () => {
    assert.throws(() => threadPoolShare(0), RangeError);
  });
});
