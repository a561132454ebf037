import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { cryptoRandom } from '../../src/adapters/system/crypto-random';
import { systemClock } from '../../src/adapters/system/system-clock';
import { appOptions } from '../../src/compose/app-options';
import { type AppDependencies, composeDependencies } from '../../src/compose/compose-dependencies';
import { buildApp } from '../../src/http/build-app';
import { testConfig } from './test-config';
import { openTestStorage, type TestDialect } from './test-storage';

/** A free port on 127.0.0.1, so the issuer can name the address the server will listen on. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface ListeningApp {
  app: FastifyInstance;
  deps: AppDependencies;
  issuer: string;
  close(): Promise<void>;
}

/** The server on a real port with the real clock, for tests that drive it with real clients. */
export async function startListeningApp(options: { dialect?: TestDialect; env?: Record<string, string> } = {}): Promise<ListeningApp> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const storage = await openTestStorage(options.dialect ?? 'sqlite');
  const deps = await composeDependencies(
    testConfig({ COUNTERSIGN_ISSUER: issuer, PORT: String(port), ...options.env }),
    storage,
    systemClock,
    cryptoRandom,
  );
  const app = await buildApp(appOptions(deps), { logger: false });
  await app.listen({ host: '127.0.0.1', port });
  return {
    app,
    deps,
    issuer,
    close: async () => {
      await app.close();
      await deps.close();
      await storage.close();
    },
  };
}
