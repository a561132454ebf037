import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { ChangeHub } from '../../core/change-hub';
import type { RecordChange } from '../../core/model/record-change';

/** Told when the channel loses Redis and when it has it back: once each way, never per reconnect attempt. */
export type ChannelNotice = (level: 'warn' | 'info', message: string) => void;

export interface ChangeChannel {
  close(): Promise<void>;
  /** Where the loss of Redis and its return are reported (the log, once the app has one). */
  reportTo(notice: ChannelNotice): void;
}

/** The default channel name (SDK guards subscribe to it). */
export const CHANGE_CHANNEL = 'countersign:changes';

/**
 * The message on the channel, one JSON object per change (resource servers read it too, docs/adr/0014):
 * `o` the sending instance, `c` the collection, `i` the record id, and when present `e` (a revoked
 * access token's exp, epoch seconds) and `b` (a deleted or compromised client: its tokens issued at
 * or before this epoch second are dead).
 *
 * Connects the hub to the other instances over Redis pub/sub (SPEC §4): this instance's changes are
 * published, the others' are delivered to the local listeners (the token path's caches, revocation
 * checks). Messages carry the instance's id so that nothing is delivered twice. A lost message costs
 * at most COUNTERSIGN_CLIENT_CACHE_TTL of staleness, which is why caches keep their short TTL.
 *
 * While Redis is unreachable ioredis reconnects on its own and fails each attempt with an `error`
 * event; those are not passed on one by one: the loss is reported once (warn, naming Redis's host,
 * never the URL's credentials) and the return once (info), as the rate limits' fallback does (ADR
 * 0021). `onError` still hears what is not about the connection (a malformed message) and a failed
 * publish while Redis was thought up.
 */
export async function connectRedisChangeChannel(
  redisUrl: string,
  hub: ChangeHub,
  onError: (error: unknown) => void,
  channel = CHANGE_CHANNEL,
  /** Told, for each change another instance published, how long it took to arrive (the metrics). */
  onLag: (seconds: number) => void = () => {},
): Promise<ChangeChannel> {
  const origin = randomUUID();
  const publisher = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  const subscriber = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  const host = redisHost(redisUrl);
  let notice: ChannelNotice = () => {};
  let closing = false;
  let lost = false;
  let lossWarning = '';
  const lose = (error?: unknown) => {
    if (closing || lost) return;
    lost = true;
    const code = (error as { code?: unknown } | undefined)?.code;
    lossWarning =
      `Redis at ${host} is unreachable${typeof code === 'string' ? ` (${code})` : ''}: changes are not carried between instances ` +
      'until it answers again (cached records go stale for at most COUNTERSIGN_CLIENT_CACHE_TTL)';
    notice('warn', lossWarning);
  };
  const regain = () => {
    if (closing || !lost || publisher.status !== 'ready' || subscriber.status !== 'ready') return;
    lost = false;
    notice('info', `Redis at ${host} answers again: the change channel carries changes between instances again`);
  };
  for (const connection of [publisher, subscriber]) {
    connection.on('error', lose);
    connection.on('close', () => lose());
    connection.on('ready', regain);
  }
  subscriber.on('message', (_channel: string, message: string) => {
    try {
      const { o, c, i, e, b, t } = JSON.parse(message) as { o: string; c: string; i: string; e?: unknown; b?: unknown; t?: unknown };
      if (o !== origin && typeof c === 'string' && typeof i === 'string') {
        hub.deliver({
          collection: c,
          id: i,
          ...(typeof e === 'number' ? { exp: e } : {}),
          ...(typeof b === 'number' ? { tokensEndedAt: b } : {}),
        });
        if (typeof t === 'number') onLag((Date.now() - t) / 1000);
      }
    } catch (error) {
      onError(error);
    }
  });
  await subscriber.subscribe(channel);
  const detach = hub.relayTo((change: RecordChange) => {
    const message = { o: origin, c: change.collection, i: change.id, e: change.exp, b: change.tokensEndedAt, t: Date.now() };
    publisher.publish(channel, JSON.stringify(message)).catch((error) => {
      // During a known outage the loss was reported once already; each lost message is not news.
      if (!lost && !closing) onError(error);
    });
  });
  return {
    reportTo(to) {
      notice = to;
      // Lost before anyone listened (Redis down at start): said once, now.
      if (lost) notice('warn', lossWarning);
    },
    async close() {
      closing = true;
      detach();
      await Promise.allSettled([subscriber.quit(), publisher.quit()]);
    },
  };
}

/** Host and port of a Redis URL, never its user or password (for the log). */
function redisHost(redisUrl: string): string {
  try {
    return new URL(redisUrl).host || 'Redis';
  } catch {
    return '(unparsable REDIS_URL)';
  }
}
