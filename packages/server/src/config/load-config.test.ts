import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from './load-config';

const development = { adminToken: () => 'generated-admin-token-000000000000000000', keyEncryptionKey: () => 'A'.repeat(43) };

describe('loadConfig', () => {
  test('defaults give a development server on 127.0.0.1:4000 with generated secrets and warnings', () => {
    const { config, warnings } = loadConfig({}, development);
    assert.equal(config.issuer, 'http://127.0.0.1:4000');
    assert.equal(config.env, 'development');
    assert.equal(config.signingAlg, 'ES256');
    assert.equal(config.tokenLifetimeMin, 7200);
    assert.equal(config.tokenLifetimeMax, 31536000);
    assert.equal(config.codeTtl, 60);
    assert.equal(config.tokenRateLimit, 30);
    assert.equal(config.backofficePrefix, 'admin');
    assert.equal(config.adminToken, 'generated-admin-token-000000000000000000');
    assert.equal(warnings.length, 2);
    assert.ok(Object.isFrozen(config));
  });

  test('the PostgreSQL pool: ten connections with prepared statements unless told otherwise', () => {
    const defaults = loadConfig({}, development).config;
    assert.equal(defaults.databasePoolSize, 10);
    assert.equal(defaults.preparedStatements, true);
    const set = loadConfig({ COUNTERSIGN_DATABASE_POOL_SIZE: '32', COUNTERSIGN_DATABASE_PREPARED_STATEMENTS: '0' }, development).config;
    assert.equal(set.databasePoolSize, 32);
    assert.equal(set.preparedStatements, false);
    assert.throws(
      () => loadConfig({ COUNTERSIGN_DATABASE_POOL_SIZE: '0', COUNTERSIGN_DATABASE_PREPARED_STATEMENTS: 'yes' }, development),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.problems.some((p) => p.startsWith('COUNTERSIGN_DATABASE_POOL_SIZE:')) &&
        error.problems.some((p) => p.startsWith('COUNTERSIGN_DATABASE_PREPARED_STATEMENTS:')),
    );
  });

  test('password hashes at once: COUNTERSIGN_PASSWORD_HASH_THREADS, two unless set (ADR 0036)', () => {
    const threads = (value?: string) =>
      loadConfig(value === undefined ? {} : { COUNTERSIGN_PASSWORD_HASH_THREADS: value }, development).config.passwordHashThreads;
    assert.equal(threads(), 2);
    assert.equal(threads('8'), 8);
    assert.equal(threads('1'), 1);
    for (const bad of ['0', 'many', '-3', '65']) {
      assert.throws(() => threads(bad), /COUNTERSIGN_PASSWORD_HASH_THREADS:/);
    }
  });

  test('every bad value is reported at once, each naming its variable', () => {
    assert.throws(
      () =>
        loadConfig(
          { PORT: 'eighty', COUNTERSIGN_SIGNING_ALG: 'HS256', COUNTERSIGN_ISSUER: 'ftp://x', COUNTERSIGN_TOKEN_RATE_LIMIT: '-1' },
          development,
        ),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.problems.length, 4);
        for (const name of ['PORT', 'COUNTERSIGN_SIGNING_ALG', 'COUNTERSIGN_ISSUER', 'COUNTERSIGN_TOKEN_RATE_LIMIT']) {
          assert.ok(
            error.problems.some((p) => p.startsWith(`${name}:`)),
            name,
          );
        }
        return true;
      },
    );
  });

  test('an https issuer means production, which needs an explicit admin token and key-encryption key', () => {
    assert.throws(
      () => loadConfig({ COUNTERSIGN_ISSUER: 'https://auth.example' }, development),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.problems.some((p) => p.startsWith('COUNTERSIGN_ADMIN_TOKEN:')) &&
        error.problems.some((p) => p.startsWith('COUNTERSIGN_KEY_ENCRYPTION_KEY:')),
    );
    assert.throws(
      () => loadConfig({ COUNTERSIGN_ENV: 'production', COUNTERSIGN_ADMIN_TOKEN: '', COUNTERSIGN_KEY_ENCRYPTION_KEY: '' }, development),
      /COUNTERSIGN_ADMIN_TOKEN: must be set in production/,
    );
    const { config, warnings } = loadConfig(
      {
        COUNTERSIGN_ISSUER: 'https://auth.example',
        COUNTERSIGN_ADMIN_TOKEN: 'x'.repeat(40),
        COUNTERSIGN_KEY_ENCRYPTION_KEY: 'B'.repeat(43),
      },
      development,
    );
    assert.equal(config.env, 'production');
    assert.deepEqual(warnings, []);
  });

  test('the issuer is kept byte for byte and refused with a trailing slash', () => {
    assert.equal(
      loadConfig({ COUNTERSIGN_ISSUER: 'http://Auth.Example:8080/tenant' }, development).config.issuer,
      'http://Auth.Example:8080/tenant',
    );
    assert.throws(() => loadConfig({ COUNTERSIGN_ISSUER: 'http://auth.example/' }, development), /COUNTERSIGN_ISSUER/);
  });

  test('a lifetime minimum above the maximum is refused', () => {
    assert.throws(
      () => loadConfig({ COUNTERSIGN_TOKEN_LIFETIME_MIN: '9000', COUNTERSIGN_TOKEN_LIFETIME_MAX: '8000' }, development),
      /COUNTERSIGN_TOKEN_LIFETIME_MIN: must not exceed/,
    );
  });

  test('no demo store in production unless COUNTERSIGN_DEMO=1 asks for it (SPEC §9)', () => {
    const production = {
      COUNTERSIGN_ISSUER: 'https://auth.example',
      COUNTERSIGN_ADMIN_TOKEN: 'x'.repeat(40),
      COUNTERSIGN_KEY_ENCRYPTION_KEY: 'B'.repeat(43),
    };
    assert.equal(loadConfig(production, development).config.demo, false);
    assert.equal(loadConfig({ ...production, COUNTERSIGN_DEMO: '1' }, development).config.demo, true);
    assert.equal(loadConfig({}, development).config.demo, true, 'on by default in development');
  });

  test('dashboard sign-up is open by default; COUNTERSIGN_SIGNUP=0 closes it; anything else is refused by name (SPEC §7)', () => {
    assert.equal(loadConfig({}, development).config.signUp, true);
    assert.equal(loadConfig({ COUNTERSIGN_SIGNUP: '0' }, development).config.signUp, false);
    assert.throws(
      () => loadConfig({ COUNTERSIGN_SIGNUP: 'closed' }, development),
      (error: unknown) => error instanceof ConfigError && error.problems.some((p) => p.startsWith('COUNTERSIGN_SIGNUP:')),
    );
  });

  test('the reliability settings: defaults, and out-of-range values refused by name', () => {
    const { config } = loadConfig({}, development);
    assert.equal(config.shutdownTimeout, 10);
    assert.equal(config.statementTimeout, 10000);
    assert.equal(config.sweepInterval, 600);
    assert.equal(config.auditRetentionDays, 365);
    assert.throws(
      () =>
        loadConfig(
          {
            COUNTERSIGN_SHUTDOWN_TIMEOUT: '-1',
            COUNTERSIGN_STATEMENT_TIMEOUT: 'soon',
            COUNTERSIGN_SWEEP_INTERVAL: '1',
            COUNTERSIGN_AUDIT_RETENTION_DAYS: '1.5',
          },
          development,
        ),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        for (const name of ['SHUTDOWN_TIMEOUT', 'STATEMENT_TIMEOUT', 'SWEEP_INTERVAL', 'AUDIT_RETENTION_DAYS']) {
          assert.ok(
            error.problems.some((p) => p.startsWith(`COUNTERSIGN_${name}:`)),
            name,
          );
        }
        return true;
      },
    );
  });

  test('a rejected secret is never echoed back', () => {
    assert.throws(
      () => loadConfig({ COUNTERSIGN_ADMIN_TOKEN: 'too-short-secret', DATABASE_URL: 'mysql://user:hunter2@db' }, development),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.problems.some((p) => p.startsWith('COUNTERSIGN_ADMIN_TOKEN:')) &&
        !error.message.includes('too-short-secret') &&
        !error.message.includes('hunter2'),
    );
  });

  test('an unknown COUNTERSIGN_* variable is warned about, naming the closest setting', () => {
    const { warnings } = loadConfig({ COUNTERSIGN_ADMIN_TOKN: 'x', COUNTERSIGN_ZZZZZZZZZZZZZZZZZ: '1', OTHER_THING: '1' }, development);
    assert.ok(
      warnings.includes('COUNTERSIGN_ADMIN_TOKN is not a Countersign setting and is ignored; did you mean COUNTERSIGN_ADMIN_TOKEN?'),
    );
    assert.ok(warnings.includes('COUNTERSIGN_ZZZZZZZZZZZZZZZZZ is not a Countersign setting and is ignored'));
    assert.ok(!warnings.some((w) => w.includes('OTHER_THING')));
  });

  test('HOST=0.0.0.0 without an issuer warns that the issuer is not reachable', () => {
    const { config, warnings } = loadConfig({ HOST: '0.0.0.0' }, development);
    assert.equal(config.issuer, 'http://0.0.0.0:4000');
    assert.ok(warnings.some((w) => w.startsWith('HOST=0.0.0.0 listens on every interface') && w.includes('COUNTERSIGN_ISSUER')));
    const explicit = loadConfig({ HOST: '0.0.0.0', COUNTERSIGN_ISSUER: 'http://10.0.0.5:4000' }, development);
    assert.ok(!explicit.warnings.some((w) => w.startsWith('HOST=')));
  });

  test('production refuses to start without its secrets and issuer, and says how to make a key', () => {
    assert.throws(
      () => loadConfig({ COUNTERSIGN_ENV: 'production' }, development),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        const [admin, kek, issuer] = error.problems;
        assert.match(admin ?? '', /^COUNTERSIGN_ADMIN_TOKEN: must be set in production; make one with node -e /);
        assert.match(kek ?? '', /^COUNTERSIGN_KEY_ENCRYPTION_KEY: must be set in production; make one with node -e .*randomBytes\(32\)/);
        assert.match(issuer ?? '', /^COUNTERSIGN_ISSUER: must be set in production/);
        return true;
      },
    );
  });

  test('a rejected secret or connection URL is never echoed back', () => {
    const secrets = {
      COUNTERSIGN_ADMIN_TOKEN: 'short-admin-token-value',
      COUNTERSIGN_KEY_ENCRYPTION_KEY: 'not-a-key-value',
      DATABASE_URL: 'mysql://user:hunter2@db/x',
      REDIS_URL: 'http://user:hunter3@cache',
    };
    assert.throws(
      () => loadConfig(secrets, development),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.problems.length, 4);
        for (const value of Object.values(secrets)) assert.ok(!error.message.includes(value), error.message);
        for (const needle of ['hunter2', 'hunter3', 'short-admin']) assert.ok(!error.message.includes(needle));
        return true;
      },
    );
  });

  test('one worker by default; more than one needs PostgreSQL and Redis, which the workers share', () => {
    assert.equal(loadConfig({}, development).config.workers, 1);
    const shared = { DATABASE_URL: 'postgres://db.internal/countersign', REDIS_URL: 'redis://cache.internal:6379' };
    assert.equal(loadConfig({ ...shared, COUNTERSIGN_WORKERS: '4' }, development).config.workers, 4);
    for (const env of [{ COUNTERSIGN_WORKERS: '2' }, { COUNTERSIGN_WORKERS: '2', DATABASE_URL: shared.DATABASE_URL }]) {
      assert.throws(
        () => loadConfig(env, development),
        (error: unknown) =>
          error instanceof ConfigError && error.problems.some((p) => p.startsWith('COUNTERSIGN_WORKERS: more than 1 needs')),
      );
    }
    assert.throws(() => loadConfig({ ...shared, COUNTERSIGN_WORKERS: '0' }, development), /COUNTERSIGN_WORKERS: must be at least 1/);
  });

  test('/metrics is off unless a token of 32 characters or more is set', () => {
    assert.equal(loadConfig({}, development).config.metricsToken, undefined);
    const token = 'm'.repeat(32);
    assert.equal(loadConfig({ COUNTERSIGN_METRICS_TOKEN: token }, development).config.metricsToken, token);
  });
});
