import cluster from 'node:cluster';
import { hkdfSync } from 'node:crypto';
import { cachedDirectories } from '../adapters/memory/cached-directories';
import { rememberIssuedCodes } from '../adapters/memory/remember-issued-codes';
import { rememberRefreshTokens } from '../adapters/memory/remember-refresh-tokens';
import { type ChangeChannel, connectRedisChangeChannel } from '../adapters/redis/redis-change-channel';
import { changeFeedRepository } from '../adapters/sql/change-feed-repository';
import { clientDirectoryRepository } from '../adapters/sql/client-directory-repository';
import { codeRepository } from '../adapters/sql/code-repository';
import { grantRepository } from '../adapters/sql/grant-repository';
import { marketDirectoryRepository } from '../adapters/sql/market-directory-repository';
import type { Storage } from '../adapters/sql/open-storage';
import { peopleDirectoryRepository } from '../adapters/sql/people-directory-repository';
import { provisioningRepository } from '../adapters/sql/provisioning-repository';
import { signInSessionRepository } from '../adapters/sql/sign-in-session-repository';
import { signingKeyRepository } from '../adapters/sql/signing-key-repository';
import { storeDirectoryRepository } from '../adapters/sql/store-directory-repository';
import { PrometheusMetrics } from '../adapters/system/prometheus-metrics';
import type { Config } from '../config/load-config';
import { ChangeHub } from '../core/change-hub';
import type { GrantServices } from '../core/grants/grant-services';
import { KeyEncryptor } from '../core/keys/key-encryptor';
import { KeyRing } from '../core/keys/key-ring';
import { type SignInSessions, signInSessions } from '../core/people/sign-in-sessions';
import type { ChangeFeed } from '../core/ports/change-feed';
import type { Clock } from '../core/ports/clock';
import type { Random } from '../core/ports/random';
import { ProvisioningService } from '../core/provisioning/provisioning-service';
import { revocationNotice } from '../core/revocation-notice';
import { setPasswordHashThreads } from '../core/secrets/password-hasher';
import { SecretHasher } from '../core/secrets/secret-hasher';
import { AccessTokenIssuer } from '../core/tokens/access-token-issuer';
import { AccessTokenVerifier } from '../core/tokens/access-token-verifier';
import type { TokenServices } from '../core/tokens/token-services';
import { createRateLimiting, type RateLimiting } from './rate-limiting';

/** Everything the HTTP layer is built from; made once by main.ts (or a test) and passed down. */
export interface AppDependencies {
  readonly config: Config;
  readonly storage: Storage;
  readonly clock: Clock;
  readonly random: Random;
  readonly keyEncryptor: KeyEncryptor;
  readonly keyRing: KeyRing;
  readonly secretHasher: SecretHasher;
  /** Told after every committed provisioning write (cache invalidation). */
  readonly changes: ChangeHub;
  /** The token endpoint's collaborators, built once. */
  readonly grants: GrantServices;
  /** Checks access tokens this server issued (provisioning tokens, later introspection). */
  readonly accessTokenVerifier: AccessTokenVerifier;
  /** The provisioning API's service (also used by the demo seed). */
  readonly provisioning: ProvisioningService;
  /** Revocation and introspection. */
  readonly tokens: TokenServices;
  /** Token endpoint limit and failed-attempt guard (SPEC §3); on Redis when REDIS_URL is set. */
  readonly rateLimiting: RateLimiting;
  /** Signs the session and CSRF cookies. */
  readonly cookieSecret: string;
  /** Sessions of the sign-in pages (SPEC §3), kept in storage so that they can end. */
  readonly sessions: SignInSessions;
  /** The change channel to the other instances (Redis pub/sub), when REDIS_URL is set. */
  readonly changeChannel: ChangeChannel | undefined;
  /** The stored revocation notices resource servers poll (`GET /oauth/changes`, SPEC §4). */
  readonly changeFeed: ChangeFeed;
  /** Prometheus metrics, when COUNTERSIGN_METRICS_TOKEN is set (nothing is counted otherwise). */
  readonly metrics: PrometheusMetrics | undefined;
  /** Closes what these dependencies opened besides the storage (Redis connections). */
  close(): Promise<void>;
}

/** Derives the keys from the key-encryption key and loads (or, on first start, creates) the signing keys. */
export async function composeDependencies(
  config: Config,
  storage: Storage,
  clock: Clock,
  random: Random,
  onBackgroundError: (error: unknown) => void = () => {},
): Promise<AppDependencies> {
  setPasswordHashThreads(config.passwordHashThreads);
  const kek = Buffer.from(config.keyEncryptionKey, 'base64url');
  const keyEncryptor = new KeyEncryptor(kek);
  const keyRing = new KeyRing(signingKeyRepository(storage.db), keyEncryptor, clock, config.signingAlg);
  await keyRing.load();
  const changes = new ChangeHub();
  const metrics =
    config.metricsToken === undefined ? undefined : new PrometheusMetrics({ processMetrics: true, clusterWorker: cluster.isWorker });
  const changeChannel = config.redisUrl
    ? await connectRedisChangeChannel(config.redisUrl, changes, onBackgroundError, undefined, (lag) => metrics?.changeLag(lag))
    : undefined;
  // This instance's own committed changes go on the feed (another instance's arrive by Redis and are
  // already on it): one row per revocation, whichever instance made it.
  const changeFeed = changeFeedRepository(storage.db, storage.dialect);
  const detachFeed = changes.relayTo((change) => {
    const notice = revocationNotice(change);
    if (notice) changeFeed.append(notice, clock.now()).catch(onBackgroundError);
  });
  const secretHasher = new SecretHasher(kek);
  const directories = cachedDirectories(
    {
      clients: clientDirectoryRepository(storage.db),
      markets: marketDirectoryRepository(storage.db),
      people: peopleDirectoryRepository(storage.db),
      stores: storeDirectoryRepository(storage.db),
    },
    changes,
    clock,
    config.clientCacheTtl,
    metrics && ((cache, hit) => metrics.cacheLookup(cache, hit)),
  );
  const rateLimiting = createRateLimiting(config, clock);
  const cookieSecret = Buffer.from(hkdfSync('sha256', kek, Buffer.alloc(0), 'countersign/cookies/v1', 32)).toString('base64url');
  const grants: GrantServices = {
    issuer: config.issuer,
    clock,
    random,
    clients: directories.clients,
    markets: directories.markets,
    people: directories.people,
    // Refresh-token chains rotated here are not read back before their next rotation (ADR 0034).
    grants: config.clientCacheTtl > 0 ? rememberRefreshTokens(grantRepository(storage.db), changes, clock) : grantRepository(storage.db),
    hasher: secretHasher,
    accessTokens: new AccessTokenIssuer(keyRing, clock, random),
    encryptor: keyEncryptor,
    failedAttempts: rateLimiting.failedAttempts,
    grantMaxAgeSeconds: config.grantMaxAge,
    refreshGraceSeconds: config.refreshGrace,
    // Codes issued here are redeemed without reading them back (ADR 0033); off with the caches.
    codes: config.clientCacheTtl > 0 ? rememberIssuedCodes(codeRepository(storage.db), clock) : codeRepository(storage.db),
    stores: directories.stores,
    codeTtlSeconds: config.codeTtl,
    changes,
  };
  const accessTokenVerifier = new AccessTokenVerifier(keyRing, clock, config.issuer);
  const provisioning = new ProvisioningService({
    store: provisioningRepository(storage.db, storage.dialect),
    clock,
    random,
    secretHasher,
    changes,
    policy: config,
  });
  const tokens: TokenServices = {
    clock,
    verifier: accessTokenVerifier,
    grants: grants.grants,
    clients: directories.clients,
    hasher: secretHasher,
    changes,
  };
  const sessions = signInSessions({
    store: signInSessionRepository(storage.db),
    hash: (value) => secretHasher.hash(value),
    random,
    clock,
    people: grants.people,
  });
  return {
    config,
    storage,
    sessions,
    clock,
    random,
    keyEncryptor,
    keyRing,
    secretHasher,
    changes,
    grants,
    accessTokenVerifier,
    provisioning,
    tokens,
    rateLimiting,
    cookieSecret,
    changeChannel,
    changeFeed,
    metrics,
    async close() {
      detachFeed();
      await Promise.all([rateLimiting.close(), changeChannel?.close()]);
    },
  };
}
