import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { freePort } from './support/listening-app';

const serverDir = new URL('..', import.meta.url).pathname;

/** Runs main.ts as `npm start` does, until it has printed its banner (or 30 s pass). */
function start(env: Record<string, string>): Promise<{ child: ChildProcess; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: serverDir, env: { ...process.env, ...env } });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner in 30 s:\n${output}`)), 30_000);
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (/Countersign is listening/.test(output) && /\n\n?$/.test(output)) {
        clearTimeout(timer);
        setTimeout(() => resolve({ child, output }), 200);
      }
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${output}`));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

describe('the start command (SPEC §9)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'countersign-start-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('seeds the demo store, prints a curl command whose token verifies against the JWKS, and restarts on the same keys', async () => {
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    const env = {
      PORT: String(port),
      COUNTERSIGN_ISSUER: issuer,
      COUNTERSIGN_SQLITE_PATH: join(dir, 'db.sqlite'),
      COUNTERSIGN_DEMO: '1',
      COUNTERSIGN_LOG_LEVEL: 'warn',
      // The development defaults are what is under test here.
      COUNTERSIGN_ADMIN_TOKEN: '',
      COUNTERSIGN_KEY_ENCRYPTION_KEY: '',
      COUNTERSIGN_ENV: '',
    };

    const first = await start(env);
    let kid: string;
    try {
      const curl = /curl -s -u '([^:]+):([A-Za-z0-9]{72})' -d grant_type=client_credentials (\S+)/.exec(first.output);
      assert.ok(curl, `no curl command in:\n${first.output}`);
      const [, clientId, secret, url] = curl;
      assert.equal(url, `${issuer}/oauth/token`);
      const res = await fetch(url!, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
      });
      assert.equal(res.status, 200);
      const { access_token } = (await res.json()) as { access_token: string };
      const { payload, protectedHeader } = await jwtVerify(access_token, createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`)), {
        issuer,
        typ: 'at+jwt',
      });
      kid = protectedHeader.kid!;
      assert.equal(payload.client_id, clientId);
      assert.deepEqual((payload.store as { slug: string }).slug, 'demo');
      assert.match(first.output, /admin token {3}\S{43}/);
      assert.equal(statSync(join(dir, 'development-key-encryption-key')).mode & 0o777, 0o600);
    } finally {
      await stop(first.child);
    }

    const second = await start(env);
    try {
      assert.match(second.output, /seeded at an earlier start/);
      const jwks = (await (await fetch(`${issuer}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
      assert.ok(
        jwks.keys.some((k) => k.kid === kid),
        'a restart lost the signing keys',
      );
    } finally {
      await stop(second.child);
    }
  });

  test('in production no demo is seeded unless asked for, and even then no secret is printed (SPEC §9)', async () => {
    const adminToken = `prod-admin-token-${'x'.repeat(32)}`;
    const production = (demo: string, file: string) => ({
      PORT: '0',
      COUNTERSIGN_ISSUER: 'https://auth.example',
      COUNTERSIGN_SQLITE_PATH: join(dir, file),
      COUNTERSIGN_ADMIN_TOKEN: adminToken,
      COUNTERSIGN_KEY_ENCRYPTION_KEY: 'P'.repeat(43),
      COUNTERSIGN_DEMO: demo,
      COUNTERSIGN_LOG_LEVEL: 'warn',
      COUNTERSIGN_ENV: '',
    });
    const quiet = await start(production('', 'prod-default.sqlite'));
    try {
      assert.doesNotMatch(quiet.output, /Demo store/, 'no demo in production by default');
      assert.ok(!quiet.output.includes(adminToken), 'the admin token is never printed');
    } finally {
      await stop(quiet.child);
    }
    const asked = await start(production('1', 'prod-demo.sqlite'));
    try {
      assert.match(asked.output, /Demo store "demo"/, 'the demo when asked for explicitly');
      assert.doesNotMatch(asked.output, /[A-Za-z0-9]{72}/, 'no client secret in production output');
      assert.doesNotMatch(asked.output, /secret [A-Za-z0-9]{20,}|@demo\.invalid \/ \S+/, 'no secret or password in production output');
      assert.ok(!asked.output.includes(adminToken));
    } finally {
      await stop(asked.child);
    }
  });

  test('a bad setting stops the start with a message naming it', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: serverDir,
      env: { ...process.env, PORT: 'not-a-port', COUNTERSIGN_SIGNING_ALG: 'HS256' },
    });
    let stderr = '';
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    const code = await new Promise((resolve) => child.on('exit', resolve));
    assert.equal(code, 1);
    assert.match(stderr, /PORT: must be a whole number/);
    assert.match(stderr, /COUNTERSIGN_SIGNING_ALG: must be one of/);
  });
});

describe('the migrate and rotate-keys commands', () => {
  const dir = mkdtempSync(join(tmpdir(), 'countersign-cli-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const env = {
    COUNTERSIGN_SQLITE_PATH: join(dir, 'db.sqlite'),
    COUNTERSIGN_KEY_ENCRYPTION_KEY: 'K'.repeat(43),
    COUNTERSIGN_ADMIN_TOKEN: 'cli-admin-token-0123456789abcdefghijklmnop',
    COUNTERSIGN_ENV: 'development',
    COUNTERSIGN_LOG_LEVEL: 'warn',
  };
  const run = (args: string[]) =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
        cwd: serverDir,
        env: { ...process.env, ...env },
      });
      let out = '';
      child.stdout.on('data', (c) => {
        out += c;
      });
      child.stderr.on('data', (c) => {
        out += c;
      });
      child.on('exit', (code) => resolve({ code, out }));
    });

  test('migrate applies the migrations once, then finds nothing to do; rotate-keys rotates and can drop a compromised key', async () => {
    const first = await run(['migrate']);
    assert.equal(first.code, 0, first.out);
    assert.match(first.out, /applied: 0001-foundation/);
    const second = await run(['migrate']);
    assert.match(second.out, /the database is up to date/);
    const rotated = await run(['rotate-keys']);
    assert.equal(rotated.code, 0, rotated.out);
    assert.match(rotated.out, /signing key rotated: \S+ → \S+$/m);
    const compromised = await run(['rotate-keys', '--compromised']);
    assert.match(compromised.out, /\(old key dropped\)/);
    const unknown = await run(['frobnicate']);
    assert.equal(unknown.code, 2);
  });
});
