import { join } from 'node:path';
import { baseEnvironment, freePort, type ServerProcess, startServer, waitUntilUp } from '../lib/processes';

/** Starts the ceiling (bench/servers/ceiling-server.ts) in its own process. */
export async function startCeiling(dataDir: string): Promise<ServerProcess> {
  const port = await freePort();
  const server = startServer(
    'ceiling',
    `http://127.0.0.1:${port}`,
    process.execPath,
    ['--import', 'tsx', 'bench/servers/ceiling-server.ts'],
    { ...baseEnvironment(), NODE_ENV: 'production', BENCH_PORT: String(port) },
    join(dataDir, 'ceiling.stderr'),
  );
  await waitUntilUp(server, '/readyz');
  return server;
}
