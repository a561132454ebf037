import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { migrateToLatest } from './adapters/sql/migrate-to-latest';
import { openStorage } from './adapters/sql/open-storage';
import { cryptoRandom } from './adapters/system/crypto-random';
import { systemClock } from './adapters/system/system-clock';
import { type DemoSeed, seedDemo } from './bootstrap/seed-demo';
import { appOptions } from './compose/app-options';
import { startClusterPrimary } from './compose/cluster-workers';
import { type AppDependencies, composeDependencies } from './compose/compose-dependencies';
import { installGracefulShutdown } from './compose/graceful-shutdown';
import { rotateKeys } from './compose/rotate-keys';
import { startSweepSchedule } from './compose/sweep-schedule';
import { type Config, ConfigError, loadConfig } from './config/load-config';
import { buildApp } from './http/build-app';

/**
 * The only file that reads process.env: loadConfig → openStorage → buildApp → listen.
 * Commands: (none) serve; `migrate`; `rotate-keys [--compromised]`.
 */
const [command = 'serve', ...args] = process.argv.slice(2);
const warnings: string[] = [];
/** Errors of background connections (Redis); logged by the app's logger once there is one. */
let reportBackgroundError = (error: unknown) => console.error(error);

function configFromEnvironment(): Config {
  try {
    const loaded = loadConfig(process.env, {
      adminToken: () => randomBytes(32).toString('base64url'),
      // Kept beside the database so that a restart can still decrypt the signing keys it made.
      keyEncryptionKey: ({ sqlitePath }) => {
        const file = resolve(dirname(sqlitePath), 'development-key-encryption-key');
        if (existsSync(file)) return readFileSync(file, 'utf8').trim();
        const key = randomBytes(32).toString('base64url');
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, `${key}\n`, { mode: 0o600 });
        return key;
      },
    });
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
  if (!['serve', 'migrate', 'rotate-keys'].includes(command)) {
    console.error(`unknown command ${command}: use migrate, rotate-keys [--compromised], or nothing to serve`);
    process.exit(2);
  }
  const config = configFromEnvironment();
  const storage = await openStorage({
    databaseUrl: config.databaseUrl,
    sqlitePath: config.sqlitePath,
    migrate: false,
    statementTimeoutMs: config.statementTimeout,
  });
  const applied = await migrateToLatest(storage);
  if (command === 'migrate') {
    console.log(applied.length > 0 ? `applied: ${applied.join(', ')}` : 'the database is up to date');
    await storage.close();
    return;
  }
  if (command === 'serve' && (await startClusterPrimary(config, storage))) return;
  const deps = await composeDependencies(config, storage, systemClock, cryptoRandom, (error) => reportBackgroundError(error));
  if (command === 'rotate-keys') {
    const result = await rotateKeys(deps, args.includes('--compromised'), 'cli');
    console.log(`signing key rotated: ${result.retired} → ${result.current}${args.includes('--compromised') ? ' (old key dropped)' : ''}`);
    await storage.close();
    await deps.close();
    return;
  }
  await serve(deps);
}

async function serve(deps: AppDependencies): Promise<void> {
  const { config } = deps;
  const app = await buildApp(appOptions(deps));
  reportBackgroundError = (err) => app.log.error({ err }, 'background error (Redis)');
  deps.rateLimiting.reportTo((level, message) => app.log[level](message));
  for (const warning of warnings) app.log.warn(warning);
  const demo = config.demo ? await seedDemo(deps.provisioning, deps.random, config.issuer) : null;
  // Follow rotations made by other instances (or the CLI); the next key is published ahead of use.
  const reload = setInterval(() => deps.keyRing.load().catch((err) => app.log.error({ err }, 'signing key reload failed')), 60_000);
  reload.unref();
  // Expired codes, denylist entries, assertion ids, refresh tokens, grace copies, sessions, old audit entries.
  const stopSweeps = startSweepSchedule(deps, app.log);
  await app.listen({ host: config.host, port: config.port });

  const lines = [
    '',
    `Countersign is listening on http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${listeningPort(app, config.port)}`,
    `  issuer        ${config.issuer}`,
    `  metadata      ${config.issuer}/.well-known/oauth-authorization-server`,
    `  JWKS          ${config.issuer}/.well-known/jwks.json`,
    `  token         ${config.issuer}/oauth/token`,
    `  database      ${config.databaseUrl ? 'PostgreSQL' : config.sqlitePath}`,
  ];
  if (warnings.some((w) => w.startsWith('COUNTERSIGN_ADMIN_TOKEN'))) lines.push(`  admin token   ${config.adminToken}  (development only)`);
  // SPEC §9: production never prints a secret, the demo's included.
  if (demo) lines.push(...(config.env === 'production' ? demoIdLines(demo) : demoLines(config, demo)));
  else if (config.demo)
    lines.push('', 'The demo store was seeded at an earlier start; its secrets were printed then (they are stored hashed).');
  console.log(lines.join('\n'));

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

/** The demo's ids without any secret or password (production). */
function demoIdLines(demo: DemoSeed): string[] {
  return [
    '',
    `Demo store "${demo.storeSlug}" (${demo.storeId}), test mode: secrets are not printed in production;`,
    "  rotate the demo credentials and set the demo users' passwords through the provisioning API.",
    `  sales channel ${demo.salesChannel.clientId}`,
    `  integration   ${demo.integration.clientId}`,
    `  webapp        ${demo.webapp.clientId}`,
    `  staff         ${demo.staff.email}`,
    `  shopper       ${demo.customer.email}`,
    '',
  ];
}

/** What a newcomer needs to get a first token from the demo store. */
function demoLines(config: Config, demo: DemoSeed): string[] {
  const [publicMarket, privateMarket] = demo.markets;
  return [
    '',
    `Demo store "${demo.storeSlug}" (${demo.storeId}), test mode:`,
    `  markets       ${publicMarket?.code} (public), ${privateMarket?.code} (private, customer group vip)`,
    `  sales channel ${demo.salesChannel.clientId}`,
    `  integration   ${demo.integration.clientId}`,
    `                secret ${demo.integration.clientSecret}`,
    `  webapp        ${demo.webapp.clientId}`,
    `                secret ${demo.webapp.clientSecret}`,
    `  staff         ${demo.staff.email} / ${demo.staff.password}`,
    `  shopper       ${demo.customer.email} / ${demo.customer.password}`,
    '',
    'Get a token (secrets are shown this once):',
    `  curl -s -u '${demo.integration.clientId}:${demo.integration.clientSecret}' -d grant_type=client_credentials ${config.issuer}/oauth/token`,
    `  curl -s -d grant_type=client_credentials -d client_id=${demo.salesChannel.clientId} -d scope=market:code:${publicMarket?.code} ${config.issuer}/oauth/token`,
    '',
  ];
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
