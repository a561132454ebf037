import type { FastifyInstance } from 'fastify';
import { cryptoRandom } from '../../src/adapters/system/crypto-random';
import { appOptions } from '../../src/compose/app-options';
import { type AppDependencies, composeDependencies } from '../../src/compose/compose-dependencies';
import { buildApp } from '../../src/http/build-app';
import { TestClock } from './test-clock';
import { testConfig } from './test-config';
import { openTestStorage, type TestDialect } from './test-storage';

export interface TestApp {
  app: FastifyInstance;
  deps: AppDependencies;
  clock: TestClock;
  close(): Promise<void>;
}

/** The whole server on a fresh database and a fixed clock, for inject() tests. */
export async function startTestApp(options: { dialect?: TestDialect; env?: Record<string, string> } = {}): Promise<TestApp> {
  const storage = await openTestStorage(options.dialect ?? 'sqlite');
  const clock = new TestClock();
  const deps = await composeDependencies(testConfig(options.env), storage, clock, cryptoRandom);
  const app = await buildApp(appOptions(deps), { logger: false });
  await app.ready();
  return {
    app,
    deps,
    clock,
    close: async () => {
      await app.close();
      await deps.close();
      await storage.close();
    },
  };
}
