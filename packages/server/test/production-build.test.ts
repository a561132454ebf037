import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { freePort } from './support/listening-app';

const repository = new URL('../../..', import.meta.url).pathname;
const scripts = (dir: string) =>
  (JSON.parse(readFileSync(join(repository, dir, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
/** `node <flags> packages/server/dist/main.js`, as `npm start` serves (ADR 0037). */
const serveCommand = /node (?:--\S+ )*packages\/server\/dist\/main\.js/.exec(scripts('.').start as string)?.[0] as string;
const startFlags = serveCommand.split(' ').slice(1, -1);

/**
 * `npm run build` and `node dist/main.js` as docs/deployment.md runs them: compiled JavaScript (no
 * tsx), production mode, only the documented variables in the environment, from another directory.
 */
describe('the production build', () => {
  const dir = mkdtempSync(join(tmpdir(), 'countersign-dist-'));
  let child: ChildProcess | undefined;
  after(() => {
    child?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  test('npm run build compiles to dist/, and node dist/main.js serves in production with the documented variables only', async () => {
    await promisify(execFile)('npm', ['run', 'build', '-w', 'packages/server'], { cwd: repository });
    const { issuer, adminToken, output, child: started } = await startDist(join(dir, 'countersign.sqlite'));
    child = started;
    assert.doesNotMatch(output(), /Demo store|ExperimentalWarning/);
    assert.ok(!output().includes(adminToken));

    const metadata = (await (await fetch(`${issuer}/.well-known/oauth-authorization-server`)).json()) as { issuer: string };
    assert.equal(metadata.issuer, issuer);
    // The migrations ran from dist: the provisioning API writes a store, and a credential gets a token.
    assert.equal((await clientCredentialsToken(issuer, adminToken)).status, 200);
    // The pages and their assets are compiled in: the landing page and its style sheet answer.
    const landing = await fetch(`${issuer}/`);
    assert.equal(landing.status, 200);
    const sheet = /href="(\/assets\/[^"?]+\.css\?v=\w+)"/.exec(await landing.text())?.[1];
    assert.ok(sheet, 'the landing page links its style sheet');
    assert.equal((await fetch(`${issuer}${sheet}`)).status, 200);
  });

  test('npm start, the server package’s start and docs/deployment.md serve with the same node flags (ADR 0037)', () => {
    assert.deepEqual(startFlags, ['--max-semi-space-size=8']);
    assert.equal(scripts('packages/server').start, `node ${startFlags.join(' ')} dist/main.js`);
    const guide = readFileSync(join(repository, 'docs/deployment.md'), 'utf8');
    assert.match(guide, new RegExp(`^${serveCommand.replaceAll('.', '\\.')} +# serve`, 'm'));
  });

  test('libuv’s thread pool, which signs the tokens, has one thread unless UV_THREADPOOL_SIZE says otherwise (ADR 0036)', async () => {
    // Threads of a server that has signed a token (the pool starts on its first job), by default
    // and with libuv's own default of four asked for explicitly.
    const threadsAfterAToken = async (name: string, env: Record<string, string>) => {
      const server = await startDist(join(dir, `${name}.sqlite`), env);
      try {
        assert.equal((await clientCredentialsToken(server.issuer, server.adminToken)).status, 200);
        return readdirSync(`/proc/${server.child.pid}/task`).length;
      } finally {
        server.child.kill('SIGTERM');
        await once(server.child, 'exit');
      }
    };
    const byDefault = await threadsAfterAToken('pool-default', {});
    const withFour = await threadsAfterAToken('pool-four', { UV_THREADPOOL_SIZE: '4' });
    assert.equal(withFour - byDefault, 3, `${byDefault} threads by default, ${withFour} with UV_THREADPOOL_SIZE=4`);
  });
});

/** `node dist/main.js` in production with the documented variables only (and `env`), once it listens. */
async function startDist(sqlitePath: string, env: Record<string, string> = {}) {
  const port = await freePort();
  const adminToken = `dist-admin-token-${'d'.repeat(32)}`;
  const issuer = `http://127.0.0.1:${port}`;
  const started = spawn(process.execPath, [...startFlags, join(repository, 'packages/server/dist/main.js')], {
    cwd: dirname(sqlitePath),
    // No NODE_OPTIONS, no tsx, nothing inherited but PATH.
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      PORT: String(port),
      COUNTERSIGN_ENV: 'production',
      COUNTERSIGN_ISSUER: issuer,
      COUNTERSIGN_ADMIN_TOKEN: adminToken,
      COUNTERSIGN_KEY_ENCRYPTION_KEY: 'Q'.repeat(43),
      COUNTERSIGN_SQLITE_PATH: sqlitePath,
      COUNTERSIGN_LOG_LEVEL: 'warn',
      ...env,
    },
  });
  let output = '';
  started.stdout.on('data', (c) => {
    output += c;
  });
  started.stderr.on('data', (c) => {
    output += c;
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner in 60 s:\n${output}`)), 60_000);
    started.stdout.on('data', () => {
      if (output.includes('Countersign is listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    started.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${output}`));
    });
  });
  return { issuer, adminToken, child: started, output: () => output };
}

/** A store and an integration made through the provisioning API, and a client_credentials answer for it. */
async function clientCredentialsToken(issuer: string, adminToken: string): Promise<Response> {
  const admin = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
  const store = await fetch(`${issuer}/provisioning/v1/stores`, {
    method: 'POST',
    headers: admin,
    body: JSON.stringify({ slug: 'dist', name: 'Dist', currency: 'EUR' }),
  });
  assert.equal(store.status, 201);
  const { id: storeId } = (await store.json()) as { id: string };
  const credential = await fetch(`${issuer}/provisioning/v1/stores/${storeId}/credentials`, {
    method: 'POST',
    headers: admin,
    body: JSON.stringify({ mode: 'live', kind: 'integration', name: 'ERP', scopes: ['stores.view'] }),
  });
  assert.equal(credential.status, 201);
  const { client_id, client_secret } = (await credential.json()) as { client_id: string; client_secret: string };
  return fetch(`${issuer}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id, client_secret }),
  });
}
