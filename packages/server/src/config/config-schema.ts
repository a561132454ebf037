import { z } from 'zod';
import { signingAlgorithms } from '../core/model/signing-algorithm';

/**
 * Every setting Countersign reads, with its environment variable, default, bounds and one line of
 * documentation. `loadConfig` is the only reader; the README's configuration table mirrors this list.
 */

const int = (min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

const flag = z.enum(['0', '1', 'true', 'false'], { error: 'must be 0 or 1' }).transform((v) => v === '1' || v === 'true');

export const settings = {
  HOST: { schema: z.string().min(1), default: '127.0.0.1', doc: 'address to listen on' },
  PORT: { schema: int(0, 65535), default: '4000', doc: 'port to listen on' },
  COUNTERSIGN_ISSUER: {
    schema: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
      .refine((u) => !u.endsWith('/') && !u.includes('?') && !u.includes('#'), {
        message: 'must have no trailing slash, query or fragment',
      }),
    default: undefined,
    doc: 'the issuer identifier, byte for byte (default: http://HOST:PORT)',
  },
  COUNTERSIGN_ENV: {
    schema: z.enum(['development', 'production', 'test'], { error: 'must be development, production or test' }),
    default: undefined,
    doc: 'production requires https redirect URIs, secure cookies and explicit secrets (default: production when the issuer is https)',
  },
  DATABASE_URL: {
    schema: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
    default: undefined,
    doc: 'PostgreSQL connection string; the embedded SQLite database is used when unset',
    secret: true,
  },
  COUNTERSIGN_SQLITE_PATH: {
    schema: z.string().min(1),
    default: './data/countersign.sqlite',
    doc: 'SQLite database file when DATABASE_URL is unset',
  },
  REDIS_URL: {
    schema: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL'),
    default: undefined,
    doc: 'Redis for shared rate limits, change channel and caches',
    secret: true,
  },
  COUNTERSIGN_ADMIN_TOKEN: {
    schema: z.string().min(32, 'must be at least 32 characters'),
    default: undefined,
    doc: 'bootstrap bearer token for the provisioning API (generated and printed in development)',
    secret: true,
  },
  COUNTERSIGN_KEY_ENCRYPTION_KEY: {
    schema: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be 32 bytes in base64url (43 characters)'),
    default: undefined,
    doc: 'encrypts signing keys at rest and keys the secret hashes (generated into the data directory in development)',
    secret: true,
  },
  COUNTERSIGN_SIGNING_ALG: {
    schema: z.enum(signingAlgorithms, { error: `must be one of ${signingAlgorithms.join(', ')}` }),
    default: 'ES256',
    doc: 'algorithm of newly created signing keys',
  },
  COUNTERSIGN_TOKEN_LIFETIME_MIN: { schema: int(60, 31536000), default: '7200', doc: 'lowest expires_in a credential may set (seconds)' },
  COUNTERSIGN_TOKEN_LIFETIME_MAX: {
    schema: int(60, 31536000),
    default: '31536000',
    doc: 'highest expires_in a credential may set (seconds)',
  },
  COUNTERSIGN_CODE_TTL: { schema: int(10, 600), default: '60', doc: 'authorization code lifetime (seconds)' },
  COUNTERSIGN_GRANT_MAX_AGE: { schema: int(3600, 315360000), default: '7776000', doc: 'a grant never outlives this (seconds)' },
  COUNTERSIGN_REFRESH_GRACE: {
    schema: int(0, 300),
    default: '0',
    doc: 'grace window for the immediate predecessor refresh token (seconds; 0 = off)',
  },
  COUNTERSIGN_SECRET_OVERLAP: {
    schema: int(0, 2592000),
    default: '86400',
    doc: 'how long a rotated client secret keeps working (seconds)',
  },
  COUNTERSIGN_TOKEN_RATE_LIMIT: {
    schema: int(0, 1000000),
    default: '30',
    doc: 'token requests per client address per sliding minute (0 = off)',
  },
  COUNTERSIGN_FAILED_ATTEMPT_LIMIT: {
    schema: int(0, 1000000),
    default: '10',
    doc: 'failed sign-ins per account and per address a minute (0 = off)',
  },
  COUNTERSIGN_TRUSTED_PROXIES: {
    schema: z.string(),
    default: '',
    doc: 'comma-separated proxy addresses whose X-Forwarded-For is believed',
  },
  COUNTERSIGN_BACKOFFICE_PREFIX: {
    schema: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a lowercase path segment'),
    default: 'admin',
    doc: 'path prefix of the back-office endpoints',
  },
  COUNTERSIGN_CLIENT_CACHE_TTL: {
    schema: int(0, 300),
    default: '5',
    doc: 'seconds a client, market, staff member or role, customer or store read stays cached on the token path (0 = no cache, and codes issued here and refresh tokens rotated here are read back from storage too)',
  },
  COUNTERSIGN_DEMO: {
    schema: flag,
    default: undefined,
    doc: 'seed the demo store on first start (default: 1 in development, 0 in production)',
  },
  COUNTERSIGN_SIGNUP: {
    schema: flag,
    default: '1',
    doc: 'self-service sign-up on the dashboard (0 = closed: accounts come from the provisioning API)',
  },
  COUNTERSIGN_METRICS_TOKEN: {
    schema: z.string().min(32, 'must be at least 32 characters'),
    default: undefined,
    doc: 'bearer token that GET /metrics (Prometheus) requires; /metrics is not served when unset',
    secret: true,
  },
  COUNTERSIGN_WORKERS: {
    schema: int(1, 64),
    default: '1',
    doc: 'processes serving requests (node:cluster) sharing one database and Redis; above 1 needs DATABASE_URL and REDIS_URL',
  },
  // Reliability (graceful shutdown, database timeouts, sweeps).
  COUNTERSIGN_SHUTDOWN_TIMEOUT: {
    schema: int(0, 600),
    default: '10',
    doc: 'on SIGTERM/SIGINT, seconds requests in flight may take to finish before their connections are cut',
  },
  COUNTERSIGN_STATEMENT_TIMEOUT: {
    schema: int(0, 600000),
    default: '10000',
    doc: 'PostgreSQL: milliseconds a statement or a connection attempt may take before the request is answered 503 (0 = no bound)',
  },
  COUNTERSIGN_PASSWORD_HASH_THREADS: {
    schema: int(1, 64),
    default: '2',
    doc: 'password hashes (scrypt, about 32 MiB each) computed at once, on threads of their own; more wait their turn',
  },
  COUNTERSIGN_DATABASE_POOL_SIZE: {
    schema: int(1, 1000),
    default: '10',
    doc: 'PostgreSQL: connections each process keeps in its pool',
  },
  COUNTERSIGN_DATABASE_PREPARED_STATEMENTS: {
    schema: flag,
    default: '1',
    doc: 'PostgreSQL: named prepared statements, planned once per connection (0 behind a pooler that drops them, e.g. PgBouncer in transaction mode before 1.21)',
  },
  COUNTERSIGN_SWEEP_INTERVAL: {
    schema: int(10, 86400),
    default: '600',
    doc: 'seconds between sweeps of expired codes, denylist entries, assertion ids, refresh tokens and sessions',
  },
  COUNTERSIGN_AUDIT_RETENTION_DAYS: {
    schema: int(0, 36500),
    default: '365',
    doc: 'days audit entries are kept before the sweep deletes them (0 = for ever)',
  },
  COUNTERSIGN_LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    default: 'info',
    doc: 'log level',
  },
} as const;

export type SettingName = keyof typeof settings;
