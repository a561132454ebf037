import type { CountersignClaims } from './claims.js';
import { authenticateClient } from './client-options.js';
import { issuerEndpoint } from './issuer-endpoint.js';
import { oauthErrorFromResponse } from './oauth-error-from-response.js';
import { type ReadResponse, sendRequest } from './send-request.js';
import { UnexpectedResponseError } from './unexpected-response-error.js';

/** The path of the change feed under the issuer. */
export const CHANGES_PATH = '/oauth/changes';
/** The Redis channel Countersign publishes its changes on. */
export const CHANGE_CHANNEL = 'countersign:changes';

/**
 * What the revocation list needs of a Redis client: an ioredis (or compatible) connection used for
 * nothing but this subscription (a subscribed Redis connection can run no other command).
 *
 * @example
 * import { Redis } from 'ioredis';
 * const redis: RedisSubscriber = new Redis(process.env.REDIS_URL);
 */
export interface RedisSubscriber {
  subscribe(channel: string): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  off(event: 'message', listener: (channel: string, message: string) => void): unknown;
}

/**
 * Where a resource server's guard learns of revocations (Countersign's change channel): the issuer's
 * change feed, authenticated as a store credential holding the `tokens.introspect` scope, and,
 * optionally, Redis pub/sub for changes the moment they happen.
 *
 * @example
 * const options: RevocationListOptions = { issuer: 'https://auth.example', clientId, clientSecret, pollInterval: 500 };
 * const revocations = createRevocationList(options);
 */
export interface RevocationListOptions {
  /** The issuer as a plain URL; the feed is `${issuer}/oauth/changes`. */
  readonly issuer: string;
  /** A confidential store credential (integration or webapp) holding `tokens.introspect`. */
  readonly clientId: string;
  readonly clientSecret: string;
  /**
   * Also take changes from Countersign's Redis channel as they are published (the instance's
   * `REDIS_URL`). The feed is still polled: it is what a new or reconnected subscriber catches up
   * from, and what proves the data fresh.
   */
  readonly redis?: RedisSubscriber;
  /** The Redis channel (default `countersign:changes`). */
  readonly channel?: string;
  /**
   * Milliseconds between polls of the feed: default 500 without Redis (so that a revocation is seen
   * within a second) and 2000 with it. `0` polls only when `sync()` is called.
   */
  readonly pollInterval?: number;
  /** Milliseconds after the last successful poll during which the data counts as fresh (default 5000). */
  readonly maxStaleness?: number;
  /** The current time in epoch milliseconds (default `Date.now`): freshness and expiry are read from it. */
  readonly now?: () => number;
  /** Told of every failed poll or unreadable Redis message; the list keeps trying. */
  readonly onError?: (error: unknown) => void;
  /** The `fetch` for the feed (default: the global one). */
  readonly fetch?: typeof fetch;
  /** Milliseconds before one poll is given up (default 5000). */
  readonly timeout?: number;
}

/**
 * What a guard asks of its revocation data; see `createRevocationList`.
 *
 * @example
 * const guard = createGuard({ issuer, jwksUri, revocations: list, apiKeys: true });
 * if (!list.isFresh()) log.warn('revocation data is stale: API keys are refused');
 */
export interface RevocationList {
  /**
   * Whether the token was revoked: its `jti`, its grant, its client (deleted, or rotated as
   * compromised), or the key that signed it (`kid`, dropped as compromised).
   */
  isRevoked(claims: CountersignClaims, kid?: string): boolean;
  /** Whether the last successful poll of the feed started less than `maxStaleness` ago. */
  isFresh(): boolean;
  /** Polls the feed now, until it has nothing more; resolves when done, rejects when the feed could not be read. */
  sync(): Promise<void>;
  /** Resolves after the Redis subscription (when given) and the first complete catch-up from the feed. */
  ready(): Promise<void>;
  /** Stops polling and leaves the Redis channel (the Redis connection itself is yours to close). */
  close(): Promise<void>;
}

type Notice =
  | { type: 'grant'; id: string }
  | { type: 'key'; id: string }
  | { type: 'jti'; id: string; exp: number }
  | { type: 'client'; id: string; before: number };

/**
 * Keeps a resource server's view of Countersign's revocations, for `createGuard`: revoked grants,
 * revoked access tokens (until they would have expired), ended clients (deleted, or whose secret
 * was rotated as compromised) and signing keys dropped as compromised. It catches up from the issuer's change feed (`GET /oauth/changes`)
 * from the beginning, then polls it with the cursor it was given, and with `redis` also applies the
 * changes published on Countersign's Redis channel the moment they arrive. Polling starts at once;
 * call `close()` when the server stops.
 *
 * @example
 * import { createGuard, createRevocationList } from '@countersign/client';
 *
 * const revocations = createRevocationList({
 *   issuer: 'https://auth.example',
 *   clientId: process.env.RESOURCE_SERVER_ID,         // a credential holding tokens.introspect
 *   clientSecret: process.env.RESOURCE_SERVER_SECRET,
 *   onError: (error) => log.warn({ err: error }, 'change feed'),
 * });
 * await revocations.ready();
 * const guard = createGuard({ issuer: 'https://auth.example', jwksUri: 'https://auth.example/.well-known/jwks.json', revocations, apiKeys: true });
 */
export function createRevocationList(options: RevocationListOptions): RevocationList {
  if (typeof options.clientId !== 'string' || options.clientId === '') throw new TypeError('clientId is required');
  if (typeof options.clientSecret !== 'string' || options.clientSecret === '') throw new TypeError('clientSecret is required');
  const now = options.now ?? Date.now;
  const interval = options.pollInterval ?? (options.redis ? 2000 : 500);
  const maxStaleness = options.maxStaleness ?? 5000;
  if (!Number.isFinite(interval) || interval < 0) throw new RangeError('pollInterval must be a number of milliseconds, 0 for manual');
  if (!Number.isFinite(maxStaleness) || maxStaleness <= 0) throw new RangeError('maxStaleness must be a positive number of milliseconds');
  const onError = options.onError ?? (() => {});
  const url = issuerEndpoint(options.issuer, CHANGES_PATH);
  const channel = options.channel ?? CHANGE_CHANNEL;

  const grants = new Set<string>();
  const keys = new Set<string>();
  const jtis = new Map<string, number>();
  const clients = new Map<string, number>();
  let cursor: string | undefined;
  let freshSince: number | undefined;
  let inFlight: Promise<void> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  let resolveReady: () => void = () => {};
  const readyPromise = new Promise<void>((resolve) => {
    resolveReady = resolve;
  });

  const apply = (notice: Notice) => {
    if (notice.type === 'grant') grants.add(notice.id);
    else if (notice.type === 'key') keys.add(notice.id);
    else if (notice.type === 'jti') jtis.set(notice.id, notice.exp);
    else clients.set(notice.id, Math.max(notice.before, clients.get(notice.id) ?? Number.NEGATIVE_INFINITY));
  };

  const pruneExpired = () => {
    const seconds = now() / 1000;
    for (const [jti, exp] of jtis) if (exp <= seconds) jtis.delete(jti);
  };

  const pollOnce = async (): Promise<void> => {
    const started = now();
    let more = true;
    while (more) {
      const headers: Record<string, string> = { accept: 'application/json' };
      authenticateClient(options, headers, new URLSearchParams());
      const target = cursor === undefined ? url : `${url}?since=${encodeURIComponent(cursor)}`;
      const response = await sendRequest(target, { method: 'GET', headers }, { fetch: options.fetch, timeout: options.timeout ?? 5000 });
      const page = readPage(response);
      // A feed that asks for more without moving its cursor would be polled for ever.
      if (page.more && page.cursor === cursor)
        throw new UnexpectedResponseError(response.status, 'The change feed asked for more without moving its cursor');
      for (const notice of page.changes) apply(notice);
      cursor = page.cursor;
      more = page.more;
    }
    pruneExpired();
    freshSince = Math.max(freshSince ?? started, started);
  };

  const sync = (): Promise<void> => {
    if (inFlight) return inFlight;
    const poll = pollOnce().finally(() => {
      inFlight = undefined;
    });
    inFlight = poll;
    // Chained after the line above, so a sync() called once ready() resolves starts a new poll.
    poll.then(resolveReady, () => {});
    return poll;
  };

  const schedule = () => {
    if (closed || interval === 0) return;
    timer = setTimeout(() => {
      sync().catch(onError).finally(schedule);
    }, interval);
    // A resource server's own listener keeps the process alive; this timer must not.
    (timer as { unref?: () => void }).unref?.();
  };

  const onMessage = (from: string, message: string) => {
    if (from !== channel) return;
    try {
      const notice = noticeFromChannel(JSON.parse(message));
      if (notice) apply(notice);
    } catch (error) {
      onError(error);
    }
  };
  // Subscribe first, then catch up from the feed: a change published in between is then seen twice
  // (harmless), never missed.
  let subscribed: Promise<unknown> = Promise.resolve();
  if (options.redis) {
    options.redis.on('message', onMessage);
    subscribed = options.redis.subscribe(channel).catch(onError);
  }
  void subscribed.then(() => sync().catch(onError).finally(schedule));

  return {
    isRevoked(claims, kid) {
      if (grants.has(claims.grant_id ?? '')) return true;
      if (kid !== undefined && keys.has(kid)) return true;
      const exp = jtis.get(claims.jti);
      if (exp !== undefined) return true;
      const before = clients.get(claims.application.id);
      return before !== undefined && claims.iat <= before;
    },
    isFresh() {
      return freshSince !== undefined && now() - freshSince < maxStaleness;
    },
    sync,
    ready: () => readyPromise,
    async close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      if (options.redis) {
        options.redis.off('message', onMessage);
        await options.redis.unsubscribe(channel).catch(onError);
      }
      await inFlight?.catch(() => {});
    },
  };
}

function readPage(response: ReadResponse): { changes: Notice[]; cursor: string; more: boolean } {
  if (response.status !== 200) throw oauthErrorFromResponse(response, 'change feed');
  const body = response.json as { changes?: unknown; cursor?: unknown; more?: unknown } | undefined;
  if (!body || !Array.isArray(body.changes) || typeof body.cursor !== 'string' || typeof body.more !== 'boolean') {
    throw new UnexpectedResponseError(response.status, 'The change feed answered without {changes, cursor, more}');
  }
  const changes = body.changes.map(noticeFromFeed);
  if (changes.some((n) => n === null)) throw new UnexpectedResponseError(response.status, 'The change feed answered an unknown notice');
  return { changes: changes as Notice[], cursor: body.cursor, more: body.more };
}

/** A feed entry: `{type: 'grant', id}`, `{type: 'key', id}`, `{type: 'jti', id, exp}` or `{type: 'client', id, before}`. */
function noticeFromFeed(entry: unknown): Notice | null {
  const e = entry as { type?: unknown; id?: unknown; exp?: unknown; before?: unknown } | null;
  if (!e || typeof e.id !== 'string') return null;
  if (e.type === 'grant') return { type: 'grant', id: e.id };
  if (e.type === 'key') return { type: 'key', id: e.id };
  if (e.type === 'jti' && typeof e.exp === 'number') return { type: 'jti', id: e.id, exp: e.exp };
  if (e.type === 'client' && typeof e.before === 'number') return { type: 'client', id: e.id, before: e.before };
  return null;
}

/**
 * A Redis message: `{o, c, i, e?, b?}` (sender, collection, record id, a revoked token's exp, a
 * client's end). Collections that revoke nothing (a market edited) are ignored.
 */
function noticeFromChannel(message: unknown): Notice | null {
  const m = message as { c?: unknown; i?: unknown; e?: unknown; b?: unknown } | null;
  if (!m || typeof m.i !== 'string') return null;
  if (m.c === 'grants') return { type: 'grant', id: m.i };
  if (m.c === 'signing_keys') return { type: 'key', id: m.i };
  if (m.c === 'access_tokens' && typeof m.e === 'number') return { type: 'jti', id: m.i, exp: m.e };
  if ((m.c === 'credentials' || m.c === 'apps') && typeof m.b === 'number') return { type: 'client', id: m.i, before: m.b };
  return null;
}
