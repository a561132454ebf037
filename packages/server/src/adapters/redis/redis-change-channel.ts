import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { ChangeHub } from '../../core/change-hub';
import type { RecordChange } from '../../core/model/record-change';

export interface ChangeChannel {
  close(): Promise<void>;
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
  publisher.on('error', onError);
  subscriber.on('error', onError);
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
    publisher.publish(channel, JSON.stringify(message)).catch(onError);
  });
  return {
    async close() {
      detach();
      await Promise.allSettled([subscriber.quit(), publisher.quit()]);
    },
  };
}
