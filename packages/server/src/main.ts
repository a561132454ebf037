import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { longestTokenLifetime } from './adapters/sql/longest-token-lifetime';
import { migrateToLatest } from './adapters/sql/migrate-to-latest';
import { openStorage, type Storage } from './adapters/sql/open-storage';
import { signingKeyRepository } from './adapters/sql/signing-key-repository';
import { cryptoRandom } from './adapters/system/crypto-random';
import { systemClock } from './adapters/system/system-clock';
import { ConnectionError, checkRedis, withDatabase } from './bootstrap/check-connections';
import { demoEnv, writeDemoEnv } from './bootstrap/demo-env';
import { findDemo } from './bootstrap/demo-summary';
import { fileBackedDevelopmentSecrets } from './bootstrap/development-secrets';
import { DemoIncompleteError, resetDemo } from './bootstrap/reset-demo';
import { seedDemo } from './bootstrap/seed-demo';
import { demoSection, startBanner } from './bootstrap/start-banner';
import { type Command, parseCommandLine, UsageError } from './cli/command-line';
import { appOptions } from './compose/app-options';
import { startClusterPrimary } from './compose/cluster-workers';
import { type AppDependencies, composeDependencies } from './compose/compose-dependencies';
import { installGracefulShutdown } from './compose/graceful-shutdown';
import { rotateKeys } from './compose/rotate-keys';
import { startSweepSchedule } from './compose/sweep-schedule';
import { type Config, ConfigError, loadConfig } from './config/load-config';
import { buildApp } from './http/build-app';

// libuv's thread pool computes the token signatures (ADR 0029) and nothing else of ours: one thread,
// which a busy server keeps busy, instead of libuv's four woken one by one (ADR 0036). Set before
// anything uses the pool, which reads it once; UV_THREADPOOL_SIZE in the environment still wins, and
// node:cluster's workers inherit it.
process.env.UV_THREADPOOL_SIZE ??= '1';

/**
 * The only file that reads process.env: loadConfig → openStorage → buildApp → listen.
 * Commands (cli/command-line.ts): (none) serve; `migrate`; `rotate-keys [--compromised] [--dry-run]`;
 * `demo-reset`; `--help`.
 */
const warnings: string[] = [];
/** Errors of background connections (Redis); logged by the app's logger once there is one. */
let reportBackgroundError = (error: unknown) => console.error(error);

function commandFromArguments(): Command {
  try {
    return parseCommandLine(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
}

function configFromEnvironment(): Config {
  try {
    const loaded = loadConfig(process.env, fileBackedDevelopmentSecrets());
    warnings.push(...loaded.warnings);
    return loaded.config;
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const command = commandFromArguments();
  if (command.name === 'help') {
    console.log(command.text);
    return;
  }
  const config = configFromEnvironment();
  if (command.name !== 'serve') for (const warning of warnings) console.error(`warning: ${warning}`);
  const { storage, applied } = await withDatabase(config.databaseUrl, async () => {
    const opened = await openStorage({
      databaseUrl: config.databaseUrl,
      sqlitePath: config.sqlitePath,
      migrate: false,
      statementTimeoutMs: config.statementTimeout,
      poolSize: config.databasePoolSize,
      preparedStatements: config.preparedStatements,
    });
    return { storage: opened, applied: await migrateToLatest(opened) };
  });
  if (command.name === 'migrate') {
    console.log(applied.length > 0 ? `applied: ${applied.join(', ')}` : 'the database is up to date');
    await storage.close();
    return;
  }
  if (config.redisUrl) await closingOnFailure(storage, () => checkRedis(config.redisUrl as string));
  if (command.name === 'serve' && (await startClusterPrimary(config, storage))) return;
  const deps = await composeDependencies(config, storage, systemClock, cryptoRandom, (error) => reportBackgroundError(error));
  if (command.name === 'rotate-keys') {
    try {
      if (command.dryRun) console.log(await describeRotation(deps, command.compromised));
      else {
        const result = await rotateKeys(deps, command.compromised, 'cli');
        console.log(`signing key rotated: ${result.retired} → ${result.current}${command.compromised ? ' (old key dropped)' : ''}`);
      }
    } finally {
      await deps.close();
      await storage.close();
    }
    return;
  }
  if (command.name === 'demo-reset') {
    try {
      await demoReset(deps);
    } finally {
      await deps.close();
      await storage.close();
    }
    return;
  }
  await serve(deps);
}

async function closingOnFailure(storage: Storage, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    await storage.close();
    throw error;
  }
}

/** `rotate-keys --dry-run`: what a rotation would do, read from the stored keys, with nothing changed. */
async function describeRotation(deps: AppDependencies, compromised: boolean): Promise<string> {
  const now = deps.clock.now();
  const keys = await signingKeyRepository(deps.storage.db).listPublishable(now);
  const current = keys.find((k) => k.status === 'current');
  const next = keys.find((k) => k.status === 'next');
  const until = new Date(now + (await longestTokenLifetime(deps.storage.db)) * 1000).toISOString();
  return [
    'dry run: nothing changed',
    `  ${next?.kid} (${next?.alg}, published since ${new Date(next?.createdAt ?? now).toISOString()}) would become the current key`,
    compromised
      ? `  ${current?.kid} would leave the JWKS at once: every token it signed stops verifying, and the API keys it signed are revoked`
      : `  ${current?.kid} would stay published until ${until} (the longest token lifetime), then leave the JWKS`,
    `  a new next key (${deps.config.signingAlg}) would be published for the rotation after`,
  ].join('\n');
}

/** The demo's `export` lines, written beside the database in development (never in production). */
function demoEnvFile(config: Config): string {
  return resolve(dirname(config.sqlitePath), 'demo.env');
}

/** The admin token `demo.env` and the banner may show: only the generated development one. */
function developmentAdminToken(config: Config): string | undefined {
  return config.env !== 'production' && warnings.some((w) => w.startsWith('COUNTERSIGN_ADMIN_TOKEN')) ? config.adminToken : undefined;
}

async function demoReset(deps: AppDependencies): Promise<void> {
  const { config } = deps;
  // SPEC §9: production never prints a secret, the demo's included.
  if (config.env === 'production') {
    console.error('demo-reset prints secrets and is for development only; in production, rotate through the provisioning API');
    process.exitCode = 1;
    return;
  }
  try {
    const demo = await resetDemo(deps.provisioning, deps.random, config.issuer);
    const file = demoEnvFile(config);
    writeDemoEnv(file, demoEnv(config.issuer, demo, developmentAdminToken(config)));
    console.log(demoSection({ config, demo: { seeded: demo }, demoEnvFile: file }));
    console.log('The old demo secrets and passwords no longer work.');
  } catch (error) {
    if (!(error instanceof DemoIncompleteError)) throw error;
    console.error(error.message);
    process.exitCode = 1;
  }
}

async function serve(deps: AppDependencies): Promise<void> {
  const { config } = deps;
  const app = await buildApp(appOptions(deps));
  reportBackgroundError = (err) => app.log.error({ err }, 'background error (Redis)');
  deps.rateLimiting.reportTo((level, message) => app.log[level](message));
  deps.changeChannel?.reportTo((level, message) => app.log[level](message));
  for (const warning of warnings) app.log.warn(warning);
  // Follow rotations made by other instances (or the CLI); the next key is published ahead of use.
  const reload = setInterval(() => deps.keyRing.load().catch((err) => app.log.error({ err }, 'signing key reload failed')), 60_000);
  reload.unref();
  // Expired codes, denylist entries, assertion ids, refresh tokens, grace copies, sessions, old audit entries.
  const stopSweeps = startSweepSchedule(deps, app.log);
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    stopSweeps();
    await app.close();
    await deps.close();
    await deps.storage.close();
    if ((error as { code?: string }).code === 'EADDRINUSE') {
      console.error(`port ${config.port} is in use; set PORT to another port (another Countersign may already be running there)`);
      process.exit(1);
    }
    throw error;
  }

  // The demo is seeded only once the server listens, so that its secrets are printed (and written
  // to demo.env) by the start that made them: a failed start leaves nothing behind.
  const seeded = config.demo ? await seedDemo(deps.provisioning, deps.random, config.issuer) : null;
  const found = config.demo && !seeded ? await findDemo(deps.provisioning) : undefined;
  let envFile: string | undefined;
  if (seeded && config.env !== 'production') {
    envFile = demoEnvFile(config);
    writeDemoEnv(envFile, demoEnv(config.issuer, seeded, developmentAdminToken(config)));
  } else if (found && config.env !== 'production' && existsSync(demoEnvFile(config))) envFile = demoEnvFile(config);
  console.log(
    startBanner({
      config,
      address: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${listeningPort(app, config.port)}`,
      developmentAdminToken: developmentAdminToken(config),
      demo: seeded ? { seeded } : found ? { found } : undefined,
      demoEnvFile: envFile,
    }),
  );

  installGracefulShutdown({
    app,
    timeoutSeconds: config.shutdownTimeout,
    closers: [() => clearInterval(reload), stopSweeps, () => deps.close(), () => deps.storage.close()],
  });
}

/** The port the server really listens on (PORT=0 picks a free one). */
function listeningPort(app: { server: { address(): unknown } }, configured: number): number {
  const address = app.server.address();
  return typeof address === 'object' && address !== null && 'port' in address ? Number(address.port) : configured;
}

main().catch((error) => {
  // A connection failure is one line naming its variable; anything else keeps its stack.
  console.error(error instanceof ConnectionError ? error.message : error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
