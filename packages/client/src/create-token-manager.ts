import { NetworkError } from './network-error.js';
import { OAuthResponseError } from './oauth-response-error.js';
import type { TokenSet } from './token-set.js';
import { UnexpectedResponseError } from './unexpected-response-error.js';

/**
 * How a token manager gets its tokens.
 *
 * @example
 * const options: TokenManagerOptions = {
 *   get: () => authenticate('client_credentials', client),
 *   refreshSkewSeconds: 120,
 * };
 * const manager = createTokenManager(options);
 */
export interface TokenManagerOptions {
  /**
   * Gets a new token set from scratch, usually `() => authenticate(...)`. Called for the first token,
   * when the current one has no refresh token, and when a refresh token turns out dead.
   */
  readonly get: () => Promise<TokenSet>;
  /**
   * Trades a refresh token for a new set, usually `(refreshToken) => refresh(refreshToken, ...)`.
   * Used instead of `get` whenever the current set carries a refresh token.
   */
  readonly refresh?: (refreshToken: string) => Promise<TokenSet>;
  /** A token set you already hold (e.g. from an authorization code): used until it is due, then refreshed. */
  readonly initial?: TokenSet;
  /**
   * Seconds before expiry at which a token is replaced (default 60), so that a token handed out is
   * not about to die in flight. Never earlier than half the token's lifetime.
   */
  readonly refreshSkewSeconds?: number;
  /** The current time in epoch milliseconds (default `Date.now`). */
  readonly now?: () => number;
}

/**
 * A cache of one token set that renews itself; see `createTokenManager`.
 *
 * @example
 * const manager: TokenManager = createTokenManager({ get: () => authenticate('client_credentials', client) });
 * const headers = { authorization: `Bearer ${await manager.token()}` };
 */
export interface TokenManager {
  /** The current access token, renewed first when it is due. `signal` abandons this caller's wait only. */
  token(options?: { readonly signal?: AbortSignal }): Promise<string>;
  /** The whole current token set (scope, owner, expiry), renewed first when it is due. */
  tokenSet(options?: { readonly signal?: AbortSignal }): Promise<TokenSet>;
  /**
   * Forgets the cached access token, e.g. after an API answered 401 with it: the next call gets a
   * new one (with the refresh token, when there is one). A renewal already in flight is not cancelled.
   */
  invalidate(): void;
}

interface Entry {
  readonly set: TokenSet;
  /** Local clock, from `expires_in`: immune to a difference between our clock and the server's. */
  readonly expiresAt: number;
  readonly renewAt: number;
}

/** Seconds to wait after a transient failure of an early renewal, when the server gave no Retry-After. */
const TRANSIENT_BACKOFF_SECONDS = 5;

/**
 * Caches a token set and renews it before it expires: with `refresh` when the set carries a refresh
 * token, with `get` otherwise (or when the refresh token is refused with `invalid_grant`). However
 * many callers wait, only one renewal is in flight; they all get its result. When a renewal fails:
 * - while the current token is still valid (an early renewal) and the failure is transient
 *   (network, 5xx, 429), the current token is handed out and the renewal retried after
 *   `Retry-After` (or 5 s);
 * - otherwise every waiting caller gets the error, the dead token is dropped, and the next call
 *   tries again.
 *
 * @example
 * import { authenticate, createTokenManager, refresh } from '@countersign/client';
 *
 * const client = { issuer: 'https://auth.example', clientId: process.env.CLIENT_ID!, clientSecret: process.env.CLIENT_SECRET! };
 * const manager = createTokenManager({
 *   get: () => authenticate('client_credentials', { ...client, scope: 'market:code:europe' }),
 *   refresh: (refreshToken) => refresh(refreshToken, client),
 * });
 *
 * const response = await fetch('https://api.example/skus', {
 *   headers: { authorization: `Bearer ${await manager.token()}` },
 * });
 * if (response.status === 401) manager.invalidate();
 */
export function createTokenManager(options: TokenManagerOptions): TokenManager {
  if (typeof options.get !== 'function') throw new TypeError('get is required: () => authenticate(...)');
  const skewMs = (options.refreshSkewSeconds ?? 60) * 1000;
  if (!Number.isFinite(skewMs) || skewMs < 0) throw new RangeError('refreshSkewSeconds must be a number of seconds, 0 or more');
  const now = options.now ?? Date.now;

  const entryFor = (set: TokenSet, receivedAt: number, expiresAt = receivedAt + set.expiresIn * 1000): Entry => ({
    set,
    expiresAt,
    // Half the lifetime at the earliest: a skew longer than the token's life would renew on every call.
    renewAt: Math.max(expiresAt - skewMs, receivedAt + (expiresAt - receivedAt) / 2),
  });

  let current: Entry | undefined = options.initial ? entryFor(options.initial, now(), options.initial.expires.getTime()) : undefined;
  let refreshToken = options.initial?.refreshToken;
  let retryAt = 0;
  let inFlight: Promise<Entry> | undefined;

  async function renew(previous: Entry | undefined): Promise<Entry> {
    const presented = refreshToken;
    let set: TokenSet;
    try {
      if (presented !== undefined && options.refresh) {
        try {
          set = await options.refresh(presented);
        } catch (error) {
          // RFC 6749 §5.2: the refresh token is dead (rotated, expired, its grant revoked): start over.
          if (!(error instanceof OAuthResponseError && error.code === 'invalid_grant')) throw error;
          if (refreshToken === presented) refreshToken = undefined;
          set = await options.get();
        }
      } else {
        set = await options.get();
      }
    } catch (error) {
      const at = now();
      if (previous !== undefined && at < previous.expiresAt && isTransient(error)) {
        retryAt = at + (retryAfterOf(error) ?? TRANSIENT_BACKOFF_SECONDS) * 1000;
        return previous;
      }
      if (current === previous) current = undefined;
      throw error;
    }
    // RFC 6749 §6: a refresh answered without a new refresh token leaves the old one valid.
    refreshToken = set.refreshToken ?? (presented !== undefined && options.refresh ? refreshToken : undefined);
    retryAt = 0;
    current = entryFor(set, now());
    return current;
  }

  async function tokenSet(waitOptions: { readonly signal?: AbortSignal } = {}): Promise<TokenSet> {
    waitOptions.signal?.throwIfAborted();
    const at = now();
    if (current !== undefined && (at < current.renewAt || (at < current.expiresAt && at < retryAt))) return current.set;
    if (inFlight === undefined) {
      const attempt = renew(current);
      inFlight = attempt;
      // Also marks the attempt as handled, so that a failure nobody waits for any more is not an unhandled rejection.
      const settle = () => {
        if (inFlight === attempt) inFlight = undefined;
      };
      attempt.then(settle, settle);
    }
    return (await waitFor(inFlight, waitOptions.signal)).set;
  }

  return {
    tokenSet,
    async token(waitOptions) {
      return (await tokenSet(waitOptions)).accessToken;
    },
    invalidate() {
      current = undefined;
      retryAt = 0;
    },
  };
}

function isTransient(error: unknown): boolean {
  if (error instanceof NetworkError || error instanceof UnexpectedResponseError) return true;
  return (
    error instanceof OAuthResponseError &&
    (error.status >= 500 || error.code === 'too_many_requests' || error.code === 'temporarily_unavailable')
  );
}

function retryAfterOf(error: unknown): number | undefined {
  return error instanceof OAuthResponseError ? error.retryAfter : undefined;
}

/** Waits for a shared promise; `signal` gives up this wait only, never the shared work. */
function waitFor<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
