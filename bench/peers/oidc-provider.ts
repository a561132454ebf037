import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { baseEnvironment, freePort, type ServerProcess, startServer, waitUntilUp } from '../lib/processes';

export interface PeerServer extends ServerProcess {
  /** The secret of both peer clients (`bench` and `bench-opaque`). */
  readonly secret: string;
  readonly redirectUri: string;
}

/** Starts node-oidc-provider (bench/peers/oidc-provider-server.ts) in its own process, in production mode. */
export async function startOidcProvider(dataDir: string): Promise<PeerServer> {
  const port = await freePort();
  const secret = randomBytes(36).toString('hex');
  const redirectUri = 'https://bench.invalid/callback';
  const server = startServer(
    'node-oidc-provider',
    `http://127.0.0.1:${port}`,
    process.execPath,
    ['--import', 'tsx', 'bench/peers/oidc-provider-server.ts'],
    {
      ...baseEnvironment(),
      NODE_ENV: 'production',
      BENCH_PORT: String(port),
      BENCH_PEER_SECRET: secret,
      BENCH_PEER_REDIRECT_URI: redirectUri,
    },
    join(dataDir, 'oidc-provider.stderr'),
  );
  await waitUntilUp(server, '/.well-known/openid-configuration');
  return { ...server, secret, redirectUri };
}
