import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, test } from 'node:test';
import { type CountersignClaims, createRevocationList, type RedisSubscriber, UnexpectedResponseError } from '../src/index.js';
import { backofficeClaims, NOW } from './support/token-factory.js';

/**
 * The revocation list's reading of the feed and of the Redis channel, with the feed answered by a
 * function (what a real server answers is tested in guard-revocation.integration.test.ts).
 */
const claims = (overrides: Record<string, unknown> = {}) => backofficeClaims(overrides) as unknown as CountersignClaims;
const feedOf = (pages: unknown[]) => {
  const asked: string[] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    asked.push(`${String(input)} ${new Headers(init?.headers).get('authorization')?.split(' ')[0]}`);
    const page = pages.shift();
    return new Response(JSON.stringify(page), { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { fetch: fetchImpl, asked };
};
const base = { issuer: 'https://auth.example', clientId: 'rs', clientSecret: 'secret', pollInterval: 0, now: () => NOW };

describe('createRevocationList', () => {
  test('follows the cursor page by page, applies every notice, and forgets a revoked jti once it has expired', async () => {
    const exp = Math.floor(NOW / 1000) + 60;
    const feed = feedOf([
      { changes: [{ type: 'grant', id: 'g-1' }], cursor: '1', more: true },
      {
        changes: [
          { type: 'jti', id: 'jti-9', exp },
          { type: 'client', id: 'app-1', before: Math.floor(NOW / 1000) - 1 },
          { type: 'key', id: 'k-old' },
        ],
        cursor: '4',
        more: false,
      },
      { changes: [], cursor: '4', more: false },
    ]);
    let now = NOW;
    const list = createRevocationList({ ...base, fetch: feed.fetch, now: () => now });
    await list.ready();
    assert.deepEqual(feed.asked, ['https://auth.example/oauth/changes Basic', 'https://auth.example/oauth/changes?since=1 Basic']);
    assert.equal(list.isRevoked(claims({ grant_id: 'g-1' })), true);
    assert.equal(list.isRevoked(claims({ jti: 'jti-9' })), true);
    assert.equal(list.isRevoked(claims({ application: { id: 'app-2', client_id: 'c', kind: 'integration', public: false } })), false);
    assert.equal(list.isRevoked(claims({ iat: Math.floor(NOW / 1000) - 1 })), true, 'a token of the ended client, issued before its end');
    assert.equal(list.isRevoked(claims({ iat: Math.floor(NOW / 1000) })), false, 'issued after the end (a rotation, not a deletion)');
    assert.equal(list.isRevoked(claims(), 'k-old'), true, 'signed by a dropped key');
    assert.equal(list.isFresh(), true);
    now += 61_000;
    await list.sync();
    assert.equal(feed.asked.at(-1), 'https://auth.example/oauth/changes?since=4 Basic');
    assert.equal(list.isRevoked(claims({ jti: 'jti-9' })), false, 'dropped: the token has expired anyway');
    await list.close();
  });

  test('an answer that is not a feed page, or one that asks for more without moving, rejects and leaves the data stale', async () => {
    for (const page of [
      { changes: 'nope' },
      { changes: [{ type: 'weird', id: 'x' }], cursor: '1', more: false },
      { changes: [], cursor: '0', more: true },
    ]) {
      const errors: unknown[] = [];
      const list = createRevocationList({
        ...base,
        fetch: feedOf([{ changes: [], cursor: '0', more: false }, page]).fetch,
        onError: (e) => errors.push(e),
      });
      await list.ready();
      await assert.rejects(list.sync(), UnexpectedResponseError);
      await list.close();
    }
    const never = createRevocationList({ ...base, fetch: feedOf([{ changes: 'nope' }]).fetch });
    await assert.rejects(never.sync());
    assert.equal(never.isFresh(), false);
    await never.close();
  });

  test('applies notices from the Redis channel at once, ignores other channels and unrelated changes, and leaves on close', async () => {
    const emitter = new EventEmitter();
    const subscribed: string[] = [];
    const redis: RedisSubscriber = {
      subscribe: async (channel) => subscribed.push(channel),
      unsubscribe: async (channel) => subscribed.splice(subscribed.indexOf(channel), 1),
      on: (event, listener) => emitter.on(event, listener),
      off: (event, listener) => emitter.off(event, listener),
    };
    const errors: unknown[] = [];
    const list = createRevocationList({
      ...base,
      redis,
      fetch: feedOf([{ changes: [], cursor: '0', more: false }]).fetch,
      onError: (e) => errors.push(e),
    });
    await list.ready();
    assert.deepEqual(subscribed, ['countersign:changes']);
    emitter.emit('message', 'countersign:changes', JSON.stringify({ o: 'x', c: 'grants', i: 'g-7' }));
    emitter.emit('message', 'countersign:changes', JSON.stringify({ o: 'x', c: 'markets', i: 'm-1' }));
    emitter.emit('message', 'other', JSON.stringify({ o: 'x', c: 'grants', i: 'g-8' }));
    emitter.emit(
      'message',
      'countersign:changes',
      JSON.stringify({ o: 'x', c: 'access_tokens', i: 'jti-3', e: Math.floor(NOW / 1000) + 5 }),
    );
    emitter.emit('message', 'countersign:changes', '{not json');
    assert.equal(list.isRevoked(claims({ grant_id: 'g-7' })), true);
    assert.equal(list.isRevoked(claims({ grant_id: 'g-8' })), false);
    assert.equal(list.isRevoked(claims({ jti: 'jti-3' })), true);
    assert.equal(errors.length, 1, 'the unreadable message is reported');
    await list.close();
    assert.deepEqual(subscribed, []);
    assert.equal(emitter.listenerCount('message'), 0);
  });
});
