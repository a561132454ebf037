import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { ChangeHub } from '../../core/change-hub';
import type { RecordChange } from '../../core/model/record-change';

export interface ChangeChannel {
  close(): Promise<void>;
}

const CHANNEL = 'countersign:changes';

/**
 * Connects the hub to the other instances over Redis pub/sub (SPEC §4): this instance's changes are
 * published, the others' are delivered to the local listeners (the token path's caches, revocation
 * checks). Messages carry the instance's id so that nothing is delivered twice. A lost message costs
 * at most COUNTERSIGN_CLIENT_CACHE_TTL of staleness, which is why caches keep their short TTL.
 */
export async function connectRedisChangeChannel(
  redisUrl: string,
  hub: ChangeHub,
  onError: (error: unknown) => void,
  channel = CHANNEL,
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
      const { o, c, i, t } = JSON.parse(message) as { o: string; c: string; i: string; t?: number };
      if (o !== origin && typeof c === 'string' && typeof i === 'string') {
        hub.deliver({ collection: c, id: i });
        if (typeof t === 'number') onLag((Date.now() - t) / 1000);
      }
    } catch (error) {
      onError(error);
    }
  });
  await subscriber.subscribe(channel);
  const detach = hub.relayTo((change: RecordChange) => {
    publisher.publish(channel, JSON.stringify({ o: origin, c: change.collection, i: change.id, t: Date.now() })).catch(onError);
  });
  return {
    async close() {
      detach();
      await Promise.allSettled([subscriber.quit(), publisher.quit()]);
    },
  };
}
