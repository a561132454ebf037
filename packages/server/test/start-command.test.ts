import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
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

/** Waits for a command to exit, collecting what it printed. */
function exited(child: ChildProcess): Promise<{ code: number | null; output: string }> {
  let output = '';
  child.stdout?.on('data', (c) => {
    output += c;
  });
  child.stderr?.on('data', (c) => {
    output += c;
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
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

    const demoEnv = readFileSync(join(dir, 'demo.env'), 'utf8');
    assert.equal(statSync(join(dir, 'demo.env')).mode & 0o777, 0o600);
    for (const name of [
      'ISSUER',
      'INTEGRATION_ID',
      'INTEGRATION_SECRET',
      'SALES_CHANNEL_ID',
      'WEBAPP_ID',
      'WEBAPP_SECRET',
      'STORE_ID',
      'USER_ID',
      'ADMIN_TOKEN',
    ])
      assert.match(demoEnv, new RegExp(`^export ${name}=\\S+$`, 'm'), name);
    assert.match(demoEnv, new RegExp(`^export ISSUER=${issuer}$`, 'm'));
    const adminToken = /^export ADMIN_TOKEN=(\S+)$/m.exec(demoEnv)?.[1];

    const second = await start(env);
    try {
      // Every start prints the ids (never the secrets) and where the shell variables are.
      assert.match(second.output, /Demo store "demo" \(\w+\), test mode:\n {2}sales channel \w{32}\n {2}integration {3}\w{32}/);
      assert.doesNotMatch(second.output, /secret [A-Za-z0-9]{72}/);
      assert.match(second.output, /source \S*demo\.env/);
      // The development admin token is kept beside the database: the one in demo.env still works.
      assert.ok(adminToken && second.output.includes(`admin token   ${adminToken}`));
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

  test('a start on a taken port says so, and seeds nothing: the next start prints the secrets', async () => {
    const blocker = createServer();
    const port = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)),
    );
    const env = {
      PORT: String(port),
      COUNTERSIGN_SQLITE_PATH: join(dir, 'taken', 'db.sqlite'),
      COUNTERSIGN_LOG_LEVEL: 'warn',
      COUNTERSIGN_ADMIN_TOKEN: '',
      COUNTERSIGN_KEY_ENCRYPTION_KEY: '',
      COUNTERSIGN_ENV: '',
      COUNTERSIGN_ISSUER: '',
      COUNTERSIGN_DEMO: '1',
    };
    try {
      const failed = await exited(
        spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: serverDir, env: { ...process.env, ...env } }),
      );
      assert.equal(failed.code, 1);
      assert.match(failed.output, new RegExp(`port ${port} is in use; set PORT`));
      assert.doesNotMatch(failed.output, /Demo store|at .*\.ts:\d+/);
      assert.throws(() => statSync(join(dir, 'taken', 'demo.env')));
    } finally {
      blocker.close();
    }
    const next = await start(env);
    try {
      assert.match(next.output, /secret [A-Za-z0-9]{72}/, 'the store is seeded, and its secrets printed, by the start that listens');
    } finally {
      await stop(next.child);
    }
  });

  test('an unreachable DATABASE_URL or REDIS_URL is one line naming the variable, without its password', async () => {
    const closedPort = await freePort();
    for (const [variable, url] of [
      ['DATABASE_URL', `postgres://someone:pg-password-1@127.0.0.1:${closedPort}/x`],
      ['REDIS_URL', `redis://:redis-password-1@127.0.0.1:${closedPort}`],
    ] as const) {
      const result = await exited(
        spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
          cwd: serverDir,
          env: {
            ...process.env,
            PORT: '0',
            COUNTERSIGN_SQLITE_PATH: join(dir, 'unreachable', 'db.sqlite'),
            COUNTERSIGN_LOG_LEVEL: 'warn',
            [variable]: url,
          },
        }),
      );
      assert.equal(result.code, 1, result.output);
      assert.match(result.output, new RegExp(`${variable}: cannot connect to \\S+127\\.0\\.0\\.1:${closedPort}\\S* \\(ECONNREFUSED`));
      assert.doesNotMatch(result.output, /password-1|\n\s+at /, 'no password, no stack trace');
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

  test('--help prints the help and a mistyped flag is an error: neither rotates the key', async () => {
    // The kids the dry run names (its dates move with the clock).
    const jwks = async () => (await run(['rotate-keys', '--dry-run'])).out.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'DATE');
    const before = await jwks();
    assert.match(before, /^dry run: nothing changed$/m);
    const help = await run(['rotate-keys', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.out, /--compromised/);
    const typo = await run(['rotate-keys', '--compromized']);
    assert.equal(typo.code, 2);
    assert.match(typo.out, /--compromized/);
    assert.equal(await jwks(), before, 'the keys did not move');
  });

  test('demo-reset gives the demo new secrets, and the old ones stop working', async () => {
    const first = await run(['demo-reset']);
    assert.equal(first.code, 0, first.out);
    const secretOf = (out: string) => /integration {3}\w+\n {16}secret (\w{72})/.exec(out)?.[1];
    const again = await run(['demo-reset']);
    assert.equal(again.code, 0, again.out);
    assert.ok(secretOf(first.out) && secretOf(again.out) && secretOf(first.out) !== secretOf(again.out));
    assert.match(again.out, /The old demo secrets and passwords no longer work/);
    assert.match(readFileSync(join(dir, 'demo.env'), 'utf8'), new RegExp(`^export INTEGRATION_SECRET=${secretOf(again.out)}$`, 'm'));
  });
});
