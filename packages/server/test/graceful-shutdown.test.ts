import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { redisReachable, TEST_REDIS_URL } from './support/redis-reachable';
import { spawnedServerSchema, spawnServer } from './support/spawned-server';
import { postgresReachable } from './support/test-storage';

const dir = mkdtempSync(join(tmpdir(), 'countersign-shutdown-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const body = 'grant_type=client_credentials&client_id=nobody';

/** A token request whose headers and first body bytes are sent; `finish()` sends the rest and reads the answer. */
function startSlowRequest(url: string): Promise<{ socket: Socket; finish(): Promise<string>; closed: Promise<string> }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.write(
        `POST /oauth/token HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
      );
      let received = '';
      socket.on('data', (chunk) => {
        received += chunk.toString('utf8');
      });
      const closed = new Promise<string>((done) => socket.once('close', () => done(received)));
      resolve({
        socket,
        closed,
        finish: () => {
          socket.write(body.slice(10));
          return closed;
        },
      });
    });
    socket.once('error', reject);
  });
}

function connectionRefused(url: string): Promise<boolean> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

describe('graceful shutdown (SIGTERM, SIGINT)', () => {
  test('SIGTERM: no new connections, the request in flight is answered in full, then exit 0', async () => {
    const server = await spawnServer({ COUNTERSIGN_SQLITE_PATH: join(dir, 'a.sqlite'), COUNTERSIGN_SHUTDOWN_TIMEOUT: '60' });
    const slow = await startSlowRequest(server.url);
    // The server has routed the request (its headers are in) before the signal arrives.
    await server.waitForLine(/"url":"\/oauth\/token".*"msg":"incoming request"/);
    server.child.kill('SIGTERM');
    await server.waitForLine(/shutting down/);
    // The listener closes as Fastify's close begins (a moment after the log line); the request is still in flight.
    let refused = false;
    for (let attempt = 0; attempt < 200 && !refused; attempt++) {
      refused = await connectionRefused(server.url);
      if (!refused) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(refused, true, 'a new connection is refused while draining');
    const answer = await slow.finish();
    assert.match(answer, /^HTTP\/1\.1 401 /, answer);
    assert.match(answer, /"error":"invalid_client"/);
    assert.match(answer, /connection: close/i, 'the connection is closed after the answer');
    assert.equal(await server.exited, 0);
    assert.ok(server.lines.some((line) => line.includes('"msg":"shut down"')));
  });

  test('a request that does not finish within COUNTERSIGN_SHUTDOWN_TIMEOUT has its connection cut; the exit is still 0', async () => {
    const server = await spawnServer({ COUNTERSIGN_SQLITE_PATH: join(dir, 'b.sqlite'), COUNTERSIGN_SHUTDOWN_TIMEOUT: '1' });
    const slow = await startSlowRequest(server.url);
    await server.waitForLine(/"url":"\/oauth\/token".*"msg":"incoming request"/);
    server.child.kill('SIGTERM');
    // The rest of the body never comes: the bound ends the wait.
    assert.equal(await slow.closed, '', 'the stuck request got no answer, its connection was cut');
    assert.equal(await server.exited, 0);
    assert.ok(server.lines.some((line) => line.includes('cutting their connections')));
  });

  test('SIGINT on PostgreSQL and Redis: idle keep-alive connections do not hold it up; storage and Redis are closed before exit 0', async (t) => {
    if (!(await postgresReachable()) || !(await redisReachable())) return t.skip('PostgreSQL or Redis unreachable');
    const schema = await spawnedServerSchema();
    try {
      const server = await spawnServer({ DATABASE_URL: schema.databaseUrl, REDIS_URL: TEST_REDIS_URL, COUNTERSIGN_SHUTDOWN_TIMEOUT: '60' });
      // fetch keeps its connection alive after this answer.
      const ready = await fetch(`${server.url}/readyz`);
      assert.equal(ready.status, 200);
      await ready.text();
      server.child.kill('SIGINT');
      assert.equal(await server.exited, 0);
      assert.ok(server.lines.some((line) => line.includes('"msg":"shut down"')));
      assert.ok(!server.lines.some((line) => /"level":50/.test(line)), 'no error was logged while closing');
    } finally {
      await schema.drop();
    }
  });
});
