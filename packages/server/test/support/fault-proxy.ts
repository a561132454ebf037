import { connect, createServer, type Socket } from 'node:net';

export type FaultMode = 'pass' | 'cut' | 'stall';

export interface FaultProxy {
  /** Rewrites a postgres:// or redis:// URL to go through the proxy. */
  via(url: string): string;
  /** Drops every open connection and refuses new ones (accepted and closed at once), as a dead server would. */
  cut(): void;
  /** Stops carrying bytes both ways, on open and new connections alike, as a hung server or a partitioned network would. */
  stall(): void;
  /** Carries bytes again: stalled connections resume, new ones go through. */
  restore(): void;
  /** Connections accepted so far, refused ones included (each reconnect attempt of a client is one). */
  accepted(): number;
  close(): Promise<void>;
}

interface Pair {
  readonly client: Socket;
  upstream?: Socket;
  readonly queued: Buffer[];
}

/**
 * A TCP proxy on 127.0.0.1 that a test puts between Countersign and PostgreSQL or Redis, to cut, stall
 * and restore the connection without touching the shared server behind it.
 */
export async function startFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  let mode: FaultMode = 'pass';
  let accepted = 0;
  const pairs = new Set<Pair>();
  const openUpstream = (pair: Pair) => {
    const upstream = connect(target.port, target.host);
    pair.upstream = upstream;
    upstream.on('data', (chunk) => pair.client.write(chunk));
    upstream.on('error', () => pair.client.destroy());
    upstream.on('close', () => pair.client.destroy());
    for (const chunk of pair.queued.splice(0)) upstream.write(chunk);
  };
  const server = createServer((client) => {
    accepted++;
    if (mode === 'cut') {
      client.destroy();
      return;
    }
    const pair: Pair = { client, queued: [] };
    pairs.add(pair);
    client.on('data', (chunk) => {
      if (pair.upstream) pair.upstream.write(chunk);
      else pair.queued.push(chunk);
    });
    client.on('error', () => pair.upstream?.destroy());
    client.on('close', () => {
      pair.upstream?.destroy();
      pairs.delete(pair);
    });
    if (mode === 'stall')
      client.pause(); // connected upstream on restore
    else openUpstream(pair);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = `127.0.0.1:${(server.address() as { port: number }).port}`;
  const dropAll = () => {
    for (const pair of pairs) {
      pair.client.destroy();
      pair.upstream?.destroy();
    }
    pairs.clear();
  };
  return {
    via(url: string) {
      const parsed = new URL(url);
      parsed.host = address;
      return parsed.toString();
    },
    cut() {
      mode = 'cut';
      dropAll();
    },
    stall() {
      mode = 'stall';
      for (const pair of pairs) {
        pair.client.pause();
        pair.upstream?.pause();
      }
    },
    restore() {
      mode = 'pass';
      for (const pair of pairs) {
        pair.client.resume();
        if (pair.upstream) pair.upstream.resume();
        else openUpstream(pair);
      }
    },
    accepted: () => accepted,
    async close() {
      dropAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
