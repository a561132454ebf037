import type { SigningAlgorithm } from '../core/model/signing-algorithm';
import { type SettingName, settings } from './config-schema';
import { type TrustedProxies, TrustedProxyListError, trustedProxies as trustedProxiesFrom } from './trusted-proxies';
import { unknownVariableWarnings } from './unknown-variables';

export interface Config {
  readonly host: string;
  readonly port: number;
  readonly issuer: string;
  readonly env: 'development' | 'production' | 'test';
  readonly databaseUrl: string | undefined;
  readonly sqlitePath: string;
  readonly redisUrl: string | undefined;
  readonly adminToken: string;
  readonly keyEncryptionKey: string;
  readonly signingAlg: SigningAlgorithm;
  readonly tokenLifetimeMin: number;
  readonly tokenLifetimeMax: number;
  readonly codeTtl: number;
  readonly grantMaxAge: number;
  readonly refreshGrace: number;
  readonly secretOverlap: number;
  readonly tokenRateLimit: number;
  readonly failedAttemptLimit: number;
  /** COUNTERSIGN_TRUSTED_PROXIES, parsed and validated. */
  readonly trustedProxies: TrustedProxies;
  readonly backofficePrefix: string;
  readonly clientCacheTtl: number;
  readonly demo: boolean;
  /** COUNTERSIGN_SIGNUP: whether anyone may open an account on the dashboard (SPEC §7). */
  readonly signUp: boolean;
  readonly logLevel: string;
  /** COUNTERSIGN_METRICS_TOKEN: the bearer token of GET /metrics; /metrics is off when undefined. */
  readonly metricsToken: string | undefined;
  /** COUNTERSIGN_WORKERS: processes serving requests (compose/cluster-workers.ts). */
  readonly workers: number;
  /** COUNTERSIGN_SHUTDOWN_TIMEOUT: the bound on finishing requests in flight at shutdown (seconds). */
  readonly shutdownTimeout: number;
  /** COUNTERSIGN_STATEMENT_TIMEOUT: PostgreSQL statement and connection bound (milliseconds, 0 = none). */
  readonly statementTimeout: number;
  /** COUNTERSIGN_DATABASE_POOL_SIZE: PostgreSQL connections per process. */
  readonly databasePoolSize: number;
  /** COUNTERSIGN_DATABASE_PREPARED_STATEMENTS: named prepared statements on PostgreSQL. */
  readonly preparedStatements: boolean;
  /** COUNTERSIGN_PASSWORD_HASH_THREADS: password hashes computed at once, on threads of their own (ADR 0036). */
  readonly passwordHashThreads: number;
  /** COUNTERSIGN_SWEEP_INTERVAL (seconds). */
  readonly sweepInterval: number;
  /** COUNTERSIGN_AUDIT_RETENTION_DAYS (0 = for ever). */
  readonly auditRetentionDays: number;
}

/** Development stand-ins for secrets the operator did not set; main.ts decides how they are made. */
export interface DevelopmentSecrets {
  /** Made (or read back) beside the SQLite database, so that the token printed once stays valid. */
  adminToken(where: { readonly sqlitePath: string }): string;
  /** Made (or read back) beside the SQLite database, so that a restart can still decrypt the signing keys. */
  keyEncryptionKey(where: { readonly sqlitePath: string }): string;
}

/** How to make a 32-byte base64url secret, for the messages that ask for one. */
const MAKE_KEY = `node -e "console.log(require('node:crypto').randomBytes(32).toString('base64url'))"`;

const isWildcard = (host: string) => host === '0.0.0.0' || host === '::' || host === '[::]';

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads every setting from `env`, collects every problem into one ConfigError, and returns a frozen
 * Config plus the warnings to print at start (development defaults for secrets).
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  development: DevelopmentSecrets,
): { config: Config; warnings: string[] } {
  const problems: string[] = [];
  const warnings: string[] = [];
  const values: Partial<Record<SettingName, unknown>> = {};

  for (const name of Object.keys(settings) as SettingName[]) {
    const setting = settings[name];
    const raw = env[name] === '' ? undefined : env[name];
    const input = raw ?? setting.default;
    if (input === undefined) continue;
    const parsed = setting.schema.safeParse(input);
    if (parsed.success) values[name] = parsed.data;
    else {
      // A rejected secret (or a connection URL, which may hold a password) is never echoed back.
      const got = 'secret' in setting && setting.secret ? '' : ` (got ${JSON.stringify(raw)})`;
      problems.push(`${name}: ${parsed.error.issues.map((i) => i.message).join('; ')}${got}`);
    }
  }

  const host = (values.HOST as string | undefined) ?? '127.0.0.1';
  const port = (values.PORT as number | undefined) ?? 4000;
  const issuer = (values.COUNTERSIGN_ISSUER as string | undefined) ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const envName = (values.COUNTERSIGN_ENV as Config['env'] | undefined) ?? (issuer.startsWith('https:') ? 'production' : 'development');

  const min = values.COUNTERSIGN_TOKEN_LIFETIME_MIN as number | undefined;
  const max = values.COUNTERSIGN_TOKEN_LIFETIME_MAX as number | undefined;
  if (min !== undefined && max !== undefined && min > max) {
    problems.push(`COUNTERSIGN_TOKEN_LIFETIME_MIN: must not exceed COUNTERSIGN_TOKEN_LIFETIME_MAX (${min} > ${max})`);
  }

  let adminToken = values.COUNTERSIGN_ADMIN_TOKEN as string | undefined;
  let keyEncryptionKey = values.COUNTERSIGN_KEY_ENCRYPTION_KEY as string | undefined;
  if (envName === 'production') {
    // An empty value counts as unset: production never falls back to a generated secret.
    const reported = (name: string) => problems.some((p) => p.startsWith(`${name}:`));
    if (adminToken === undefined && !reported('COUNTERSIGN_ADMIN_TOKEN'))
      problems.push(`COUNTERSIGN_ADMIN_TOKEN: must be set in production; make one with ${MAKE_KEY}`);
    if (keyEncryptionKey === undefined && !reported('COUNTERSIGN_KEY_ENCRYPTION_KEY'))
      problems.push(
        `COUNTERSIGN_KEY_ENCRYPTION_KEY: must be set in production; make one with ${MAKE_KEY} and back it up: without it the signing keys cannot be decrypted`,
      );
    if (values.COUNTERSIGN_ISSUER === undefined && !reported('COUNTERSIGN_ISSUER'))
      problems.push('COUNTERSIGN_ISSUER: must be set in production, to the https URL clients reach this server at');
  }
  let trustedProxies = trustedProxiesFrom([]);
  try {
    trustedProxies = trustedProxiesFrom((values.COUNTERSIGN_TRUSTED_PROXIES as string | undefined)?.split(',') ?? []);
  } catch (error) {
    if (!(error instanceof TrustedProxyListError)) throw error;
    problems.push(error.message);
  }
  // Workers share nothing in memory: each would count rate limits and cache alone.
  if (
    ((values.COUNTERSIGN_WORKERS as number | undefined) ?? 1) > 1 &&
    (values.DATABASE_URL === undefined || values.REDIS_URL === undefined)
  ) {
    problems.push('COUNTERSIGN_WORKERS: more than 1 needs DATABASE_URL (PostgreSQL) and REDIS_URL, which the workers share');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  warnings.push(...unknownVariableWarnings(env, Object.keys(settings)));
  if (values.COUNTERSIGN_ISSUER === undefined && isWildcard(host)) {
    warnings.push(
      `HOST=${host} listens on every interface, but the issuer ${issuer} is not an address clients can reach: set COUNTERSIGN_ISSUER to the URL they use`,
    );
  }

  if (adminToken === undefined) {
    adminToken = development.adminToken({ sqlitePath: values.COUNTERSIGN_SQLITE_PATH as string });
    warnings.push(
      'COUNTERSIGN_ADMIN_TOKEN is not set: using the development admin token kept beside the database, in development-admin-token',
    );
  }
  if (keyEncryptionKey === undefined) {
    keyEncryptionKey = development.keyEncryptionKey({ sqlitePath: values.COUNTERSIGN_SQLITE_PATH as string });
    warnings.push('COUNTERSIGN_KEY_ENCRYPTION_KEY is not set: using a generated development key; set one before real use');
  }

  const config: Config = {
    host,
    port,
    issuer,
    env: envName,
    databaseUrl: values.DATABASE_URL as string | undefined,
    sqlitePath: values.COUNTERSIGN_SQLITE_PATH as string,
    redisUrl: values.REDIS_URL as string | undefined,
    adminToken,
    keyEncryptionKey,
    signingAlg: values.COUNTERSIGN_SIGNING_ALG as SigningAlgorithm,
    tokenLifetimeMin: min as number,
    tokenLifetimeMax: max as number,
    codeTtl: values.COUNTERSIGN_CODE_TTL as number,
    grantMaxAge: values.COUNTERSIGN_GRANT_MAX_AGE as number,
    refreshGrace: values.COUNTERSIGN_REFRESH_GRACE as number,
    secretOverlap: values.COUNTERSIGN_SECRET_OVERLAP as number,
    tokenRateLimit: values.COUNTERSIGN_TOKEN_RATE_LIMIT as number,
    failedAttemptLimit: values.COUNTERSIGN_FAILED_ATTEMPT_LIMIT as number,
    trustedProxies,
    backofficePrefix: values.COUNTERSIGN_BACKOFFICE_PREFIX as string,
    clientCacheTtl: values.COUNTERSIGN_CLIENT_CACHE_TTL as number,
    // SPEC §9: no demo store in production unless asked for explicitly.
    demo: (values.COUNTERSIGN_DEMO as boolean | undefined) ?? envName !== 'production',
    signUp: values.COUNTERSIGN_SIGNUP as boolean,
    logLevel: values.COUNTERSIGN_LOG_LEVEL as string,
    metricsToken: values.COUNTERSIGN_METRICS_TOKEN as string | undefined,
    workers: values.COUNTERSIGN_WORKERS as number,
    shutdownTimeout: values.COUNTERSIGN_SHUTDOWN_TIMEOUT as number,
    statementTimeout: values.COUNTERSIGN_STATEMENT_TIMEOUT as number,
    databasePoolSize: values.COUNTERSIGN_DATABASE_POOL_SIZE as number,
    preparedStatements: values.COUNTERSIGN_DATABASE_PREPARED_STATEMENTS as boolean,
    passwordHashThreads: values.COUNTERSIGN_PASSWORD_HASH_THREADS as number,
    sweepInterval: values.COUNTERSIGN_SWEEP_INTERVAL as number,
    auditRetentionDays: values.COUNTERSIGN_AUDIT_RETENTION_DAYS as number,
  };
  return { config: Object.freeze(config), warnings };
}
