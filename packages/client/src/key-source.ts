import { createLocalJWKSet, createRemoteJWKSet, customFetch, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { JwksUnavailableError } from './errors.js';

/**
 * Returns the issuer's JWKS document; called for every verification, so it may change (key rotation).
 *
 * @example
 * // A resource server living beside the issuer reads the keys in process.
 * const jwks: JwksGetter = () => keyRing.publicJwks();
 * const guard = createGuard({ issuer, jwks });
 */
export type JwksGetter = () => Promise<JSONWebKeySet> | JSONWebKeySet;

/**
 * Where the issuer's public keys come from: exactly one of `jwksUri` and `jwks`.
 *
 * @example
 * const keys: KeySourceOptions = { jwksUri: 'https://auth.example/.well-known/jwks.json', jwksCooldown: 10_000 };
 * const claims = await verifyToken(token, { issuer: 'https://auth.example', ...keys });
 */
export interface KeySourceOptions {
  /** The issuer's `jwks_uri` (e.g. `https://auth.example/.well-known/jwks.json`): fetched, cached, refetched on an unknown `kid`. */
  readonly jwksUri?: string | URL;
  /** An in-process source of the JWKS document, for a resource server living beside the issuer. */
  readonly jwks?: JwksGetter;
  /** The fetch used for `jwksUri` (default: the global `fetch`). */
  readonly fetch?: typeof fetch;
  /**
   * Milliseconds after a fetch of `jwksUri` during which an unknown `kid` does not trigger another
   * (default 30000), so that tokens naming random kids cannot make the guard hammer the issuer. A
   * rotation is normally seen earlier anyway: the issuer publishes its next key before using it.
   */
  readonly jwksCooldown?: number;
}

const remoteSets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
const remoteSetsByFetch = new WeakMap<typeof fetch, Map<string, ReturnType<typeof createRemoteJWKSet>>>();

/**
 * One remote key set per (URL, fetch), kept for the life of the process: jose caches the document
 * and refetches it, at most once per cooldown, when a token names a `kid` it does not hold. That is
 * how a rotation on the issuer reaches every resource server without a restart.
 */
function remoteSet(uri: string, fetchImpl: typeof fetch | undefined, cooldownDuration: number) {
  let sets = remoteSets;
  if (fetchImpl) {
    sets = remoteSetsByFetch.get(fetchImpl) ?? new Map();
    remoteSetsByFetch.set(fetchImpl, sets);
  }
  const key = `${cooldownDuration} ${uri}`;
  let set = sets.get(key);
  if (!set) {
    set = createRemoteJWKSet(new URL(uri), { cooldownDuration, ...(fetchImpl ? { [customFetch]: fetchImpl } : {}) });
    sets.set(key, set);
  }
  return set;
}

/**
 * A jose key resolver for the options. A getter's document is re-read on every call (it is local),
 * and its imported keys are reused while the document stays the same.
 */
export function keySource(options: KeySourceOptions): JWTVerifyGetKey {
  if ((options.jwksUri === undefined) === (options.jwks === undefined)) {
    throw new TypeError('Give exactly one of jwksUri and jwks');
  }
  if (options.jwksUri !== undefined) {
    const set = remoteSet(String(options.jwksUri), options.fetch, options.jwksCooldown ?? 30_000);
    return async (header, token) => {
      try {
        return await set(header, token);
      } catch (error) {
        throw unavailable(error);
      }
    };
  }
  const getter = options.jwks as JwksGetter;
  let last: { json: string; set: ReturnType<typeof createLocalJWKSet> } | undefined;
  return async (header, token) => {
    let document: JSONWebKeySet;
    try {
      document = await getter();
    } catch (error) {
      throw new JwksUnavailableError('The JWKS getter failed', { cause: error });
    }
    const json = JSON.stringify(document);
    if (last?.json !== json) last = { json, set: createLocalJWKSet(document) };
    return last.set(header, token);
  };
}

/** A token naming a key the issuer does not publish is the token's fault; anything else (network, bad document) is not. */
function unavailable(error: unknown): unknown {
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) return error;
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) return error;
  return new JwksUnavailableError('The issuer JWKS could not be fetched', { cause: error });
}
