import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { scryptSync } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { scryptThreads } from '../src/core/secrets/scrypt-threads';
import { threadPoolShare } from '../src/core/secrets/thread-pool-share';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

const source = (path: string) => JSON.stringify(pathToFileURL(resolve(import.meta.dirname, '..', path)).href);

// Run in a process of its own with libuv's pool at one thread, as the server sets it (ADR 0036).
const SIGN_WHILE_HASHING = `
import { generateKeyPairSync } from 'node:crypto';
const { passwordHasher, checkPassword } = await import(${source('src/core/secrets/password-hasher.ts')});
const { signJwt } = await import(${source('src/core/tokens/sign-jwt.ts')});
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const order = [];
const hashes = Array.from({ length: 4 }, (_, i) => passwordHasher.hash('password ' + i).then((hash) => { order.push('hash'); return hash; }));
const token = await signJwt({ kid: 'k1', alg: 'ES256', privateKey }, 'at+jwt', { sub: 'client-1', iat: 1 });
order.push('signature');
const stored = await Promise.all(hashes);
const right = await checkPassword('password 3', stored[3]);
const wrong = await checkPassword('password 2', stored[3]);
console.log(JSON.stringify({ order, token, right, wrong }));
`;

const threadsOfThisProcess = () => readdirSync('/proc/self/task').length;

describe('token signatures beside password hashing (ADR 0029, ADR 0036)', () => {
  test('a signature made while sign-ins hash does not wait for them, with libuv’s pool at one thread', () => {
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SIGN_WHILE_HASHING], {
      env: { ...process.env, UV_THREADPOOL_SIZE: '1' },
      encoding: 'utf8',
      // Four hashes on two threads take about a second; a process held open by an idle hashing
      // thread would never exit.
      timeout: 60_000,
    });
    assert.equal(child.status, 0, `exit ${child.status} ${child.signal ?? ''}: ${child.stderr}`);
    const result = JSON.parse(child.stdout.trim().split('\n').at(-1) as string);
    assert.equal(result.order[0], 'signature', `the signature finished after ${result.order.indexOf('signature')} password hashes`);
    assert.deepEqual(result.order.slice(1), ['hash', 'hash', 'hash', 'hash']);
    assert.match(result.token, /^[\w-]+\.[\w-]+\.[\w-]{86}$/);
    assert.equal(result.right, true);
    assert.equal(result.wrong, false);
  });
});

describe('threadPoolShare', () => {
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

describe('scryptThreads', () => {
  const params = { N: 2 ** 10, r: 8, p: 1 };

  test('derives what node:crypto derives, on no more threads than it is given, the rest in order of arrival', async () => {
    const derive = scryptThreads(2);
    const before = threadsOfThisProcess();
    let most = 0;
    const watch = setInterval(() => {
      most = Math.max(most, threadsOfThisProcess() - before);
    }, 1);
    const finished: number[] = [];
    const keys = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        derive(`password ${i}`, Buffer.from(`salt ${i}`), 32, { ...params, N: 2 ** 14 }).then((key) => {
          finished.push(i);
          return key;
        }),
      ),
    );
    clearInterval(watch);
    keys.forEach((key, i) => {
      assert.ok(Buffer.isBuffer(key));
      assert.deepEqual(key, scryptSync(`password ${i}`, Buffer.from(`salt ${i}`), 32, { ...params, N: 2 ** 14 }));
    });
    assert.ok(most <= 2, `${most} threads were started for 2`);
    assert.ok(most >= 1);
    // Two at a time in order of arrival: no job finishes before one that was given out two earlier.
    for (const [at, job] of finished.entries()) assert.ok(job <= at + 1, `job ${job} finished ${at}th: ${finished}`);
  });

  test('one thread runs the jobs one after the other, in order of arrival', async () => {
    const derive = scryptThreads(1);
    const finished: number[] = [];
    await Promise.all(Array.from({ length: 5 }, (_, i) => derive(`p${i}`, Buffer.from('salt'), 16, params).then(() => finished.push(i))));
    assert.deepEqual(finished, [0, 1, 2, 3, 4]);
  });

  test('a derivation scrypt refuses fails alone; the jobs around it are answered', async () => {
    const derive = scryptThreads(1);
    const results = await Promise.allSettled([
      derive('a', Buffer.from('salt'), 16, params),
      derive('b', Buffer.from('salt'), 16, { ...params, N: 3 }), // N must be a power of two
      derive('c', Buffer.from('salt'), 16, params),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.match(String((results[1] as PromiseRejectedResult).reason), /scrypt failed/);
    assert.deepEqual((results[2] as PromiseFulfilledResult<Buffer>).value, scryptSync('c', Buffer.from('salt'), 16, params));
  });

  test('needs at least one thread', () => {
    assert.throws(() => scryptThreads(0), RangeError);
    assert.throws(() => scryptThreads(1.5), RangeError);
  });
});
