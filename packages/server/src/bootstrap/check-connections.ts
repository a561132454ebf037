import { Redis } from 'ioredis';

/**
 * Startup messages for the two servers Countersign connects to: an unreachable `DATABASE_URL` or
 * `REDIS_URL` stops the start with one line naming the variable, the host (never the password) and
 * the reason, instead of a driver's stack traces.
 */

export class ConnectionError extends Error {
  constructor(variable: string, url: string, reason: string) {
    super(`${variable}: cannot connect to ${redactedUrl(url)} (${reason})`);
    this.name = 'ConnectionError';
  }
}

/** The URL without its user name and password. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return 'the configured URL';
  }
}

/** A driver error in a few words: its code (ECONNREFUSED, 28P01, ...) and message, without a stack. */
export function reasonOf(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  // AggregateError (both ::1 and 127.0.0.1 refused) carries the useful code on itself or its members.
  if (current instanceof AggregateError && current.errors.length > 0 && !(current as { code?: string }).code) current = current.errors[0];
  const code = (current as { code?: unknown })?.code;
  if (typeof code === 'string') parts.push(code);
  const message = current instanceof Error ? current.message : String(current);
  if (message && !parts.includes(message)) parts.push(message);
  return parts.join(': ') || 'unknown error';
}

/** Runs `open` (the database's first query), turning a failure into a ConnectionError for DATABASE_URL. */
export async function withDatabase<T>(databaseUrl: string | undefined, open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (error) {
    if (databaseUrl === undefined) throw error;
    throw new ConnectionError('DATABASE_URL', databaseUrl, reasonOf(error));
  }
}

/** One PING with no retries and a short timeout, before the long-lived connections are opened. */
export async function checkRedis(redisUrl: string, timeoutMs = 5000): Promise<void> {
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // The socket's own error (ECONNREFUSED, ...) says more than connect()'s "Connection is closed";
  // listening also keeps ioredis from printing it.
  let socketError: unknown;
  redis.on('error', (error) => {
    socketError ??= error;
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new ConnectionError('REDIS_URL', redisUrl, reasonOf(socketError ?? error));
  } finally {
    redis.disconnect();
  }
}
