import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

/**
 * The package as a user gets it: `npm pack`, installed from the tarball into an empty folder (jose
 * comes from the registry, or npm's cache), imported from plain Node and type-checked by TypeScript
 * under `module: nodenext`. It packs the `dist/` that `npm test` built first (`pretest`), with
 * `--ignore-scripts`, so that this test never rebuilds `dist/` under a server that is loading it.
 */

const run = promisify(execFile);
const PACKAGE_DIR = new URL('..', import.meta.url).pathname;
const TSC = new URL('../../../node_modules/typescript/bin/tsc', import.meta.url).pathname;

/** The environment for a nested npm: nothing that ties it to this repository's workspace or to the running npm script. */
function npmEnvironment(): NodeJS.ProcessEnv {
  const keep = new Set([
    'npm_config_cache',
    'npm_config_userconfig',
    'npm_config_globalconfig',
    'npm_config_cafile',
    'npm_config_registry',
  ]);
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.toLowerCase().startsWith('npm_') || keep.has(name.toLowerCase())) env[name] = value;
  }
  return { ...env, npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false' };
}

/** The runtime exports, as index.ts lists them. */
const EXPORTS = [
  'CHANGES_PATH',
  'CHANGE_CHANNEL',
  'CountersignError',
  'ExchangeError',
  'ForbiddenError',
  'InvalidTokenError',
  'JWT_BEARER_GRANT',
  'JwksUnavailableError',
  'NetworkError',
  'OAuthResponseError',
  'RevocationDataStaleError',
  'TOKEN_PATH',
  'UnexpectedResponseError',
  'authenticate',
  'authorizeUrl',
  'codeChallengeS256',
  'createGuard',
  'createRevocationList',
  'createTokenManager',
  'decodeToken',
  'exchangeCode',
  'expressGuard',
  'fastifyGuard',
  'generateCodeVerifier',
  'generateState',
  'guardErrorResponse',
  'isCountersignClientError',
  'refresh',
  'revoke',
  'signAssertion',
  'tokenStoreIds',
  'verifyToken',
];

const NODE_CHECK = `
import * as sdk from '@countersign/client';
const challenge = await sdk.codeChallengeS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk');
let decodeError;
try { sdk.decodeToken('not-a-jwt'); } catch (error) { decodeError = [error.constructor.name, error.code, sdk.isCountersignClientError(error)]; }
console.log(JSON.stringify({
  names: Object.keys(sdk).sort(),
  challenge,
  url: sdk.authorizeUrl({ issuer: 'https://auth.example', clientId: 'c', codeChallenge: challenge }),
  verifier: sdk.generateCodeVerifier().length,
  decodeError,
}));
`;

const TYPESCRIPT_CHECK = `
import {
  authenticate,
  type CountersignClaims,
  type CountersignClientError,
  createGuard,
  createTokenManager,
  isCountersignClientError,
  type TokenSet,
} from '@countersign/client';

const client = { issuer: 'https://auth.example', clientId: 'integration-1', clientSecret: 'secret' };
const manager = createTokenManager({ get: (): Promise<TokenSet> => authenticate('client_credentials', { ...client, scope: ['stores.view'] }) });
const guard = createGuard({ issuer: client.issuer, jwksUri: 'https://auth.example/.well-known/jwks.json' });

export async function token(): Promise<string> {
  try {
    return await manager.token();
  } catch (error) {
    if (!isCountersignClientError(error)) throw error;
    const known: CountersignClientError = error;
    switch (known.code) {
      case 'network_error':
        return known.reason;
      case 'invalid_grant':
        return known.description ?? known.message;
      case 'invalid_token':
        return known.reason;
      default:
        return known.code;
    }
  }
}

export async function storeOf(header: string): Promise<CountersignClaims['store']> {
  return (await guard.check(header, { audience: 'backoffice', scopes: ['stores.view'] })).store;
}

// @ts-expect-error the password grant needs username and password
void authenticate('password', { ...client });
`;

describe('the published package', { timeout: 420_000 }, () => {
  let dir: string;
  let tarball: string;
  let files: string[];

  before(
    async () => {
      assert.ok(existsSync(join(PACKAGE_DIR, 'dist/index.js')), 'dist/ is missing: run npm run build (npm test does it first)');
      dir = mkdtempSync(join(tmpdir(), 'countersign-client-pack-'));
      const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
        cwd: PACKAGE_DIR,
        env: npmEnvironment(),
        timeout: 120_000,
      });
      const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
      assert.ok(packed);
      tarball = join(dir, packed.filename);
      files = packed.files.map((f) => f.path).sort();
      const consumer = join(dir, 'consumer');
      mkdirSync(consumer);
      writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
      await run('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund', '--no-package-lock'], {
        cwd: consumer,
        env: npmEnvironment(),
        timeout: 240_000,
      });
    },
    { timeout: 400_000 },
  );
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the tarball holds dist/ (ESM and declarations), the README and the licence, and nothing else', () => {
    assert.ok(files.includes('dist/index.js') && files.includes('dist/index.d.ts'), files.join('\n'));
    assert.ok(files.includes('README.md') && files.includes('LICENSE') && files.includes('package.json'));
    assert.deepEqual(
      files.filter((f) => !/^dist\/[a-z0-9-]+\.(js|d\.ts)$/.test(f) && !['README.md', 'LICENSE', 'package.json'].includes(f)),
      [],
    );
    assert.ok(!files.some((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')), 'no TypeScript sources');
  });

  test('plain Node imports it: every export, working', { timeout: 60_000 }, async () => {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', NODE_CHECK], {
      cwd: join(dir, 'consumer'),
      timeout: 30_000,
    });
    const result = JSON.parse(stdout) as Record<string, unknown>;
    assert.deepEqual(result.names, [...EXPORTS].sort());
    assert.equal(result.challenge, 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    assert.match(String(result.url), /^https:\/\/auth\.example\/oauth\/authorize\?response_type=code&client_id=c&code_challenge=/);
    assert.equal(result.verifier, 64);
    assert.deepEqual(result.decodeError, ['InvalidTokenError', 'invalid_token', true]);
  });

  test('TypeScript with module and moduleResolution nodenext type-checks a consumer, library types included', {
    timeout: 180_000,
  }, async () => {
    const consumer = join(dir, 'consumer');
    writeFileSync(join(consumer, 'consumer.ts'), TYPESCRIPT_CHECK);
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          lib: ['es2022', 'dom'],
          types: [],
          strict: true,
          noUncheckedIndexedAccess: true,
          skipLibCheck: false,
          noEmit: true,
        },
        files: ['consumer.ts'],
      }),
    );
    await run(process.execPath, [TSC, '-p', consumer], { cwd: consumer, timeout: 150_000 }).catch((error: { stdout?: string }) => {
      assert.fail(`tsc refused the consumer:\n${error.stdout ?? error}`);
    });
  });
});
