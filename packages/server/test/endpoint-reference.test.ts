import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { cryptoRandom } from '../src/adapters/system/crypto-random';
import { appOptions } from '../src/compose/app-options';
import { type AppDependencies, composeDependencies } from '../src/compose/compose-dependencies';
import { buildApp } from '../src/http/build-app';
import { TestClock } from './support/test-clock';
import { testConfig } from './support/test-config';
import { openTestStorage } from './support/test-storage';

const REFERENCE = new URL('../../../docs/endpoints.md', import.meta.url);

/**
 * docs/endpoints.md says what every path does: every route the server registers outside the
 * provisioning API (which its OpenAPI document covers, see openapi-document.test.ts) is named there,
 * with `{param}` for route parameters and `{prefix}` for the back office's prefix.
 */
describe('docs/endpoints.md', () => {
  let app: FastifyInstance;
  let deps: AppDependencies;
  let close: () => Promise<void>;
  const routes = new Set<string>();

  before(async () => {
    const storage = await openTestStorage('sqlite');
    const config = testConfig({ COUNTERSIGN_DEMO: '1', COUNTERSIGN_METRICS_TOKEN: 'm'.repeat(40) });
    deps = await composeDependencies(config, storage, new TestClock(), cryptoRandom);
    const prefix = `/${config.backofficePrefix}/`;
    app = await buildApp(appOptions(deps), {
      logger: false,
      onRoute: (route) => {
        if (route.url.startsWith('/provisioning/v1/') && route.url !== '/provisioning/v1/openapi.json') return;
        const path = (route.url.startsWith(prefix) ? `/{prefix}/${route.url.slice(prefix.length)}` : route.url)
          .replace(/:([A-Za-z]+)/g, '{$1}')
          .replace(/^\/oauth2\/\*$/, '/oauth2/{appId}/exchange/{code}');
        for (const method of [route.method].flat()) if (method !== 'HEAD' && method !== 'OPTIONS') routes.add(`${method} ${path}`);
      },
    });
    await app.ready();
    close = async () => {
      await app.close();
      await deps.close();
      await storage.close();
    };
  });
  after(() => close());

  test('names every route the server registers', () => {
    const text = readFileSync(REFERENCE, 'utf8');
    assert.ok(routes.size > 40, `only ${routes.size} routes seen`);
    const missing = [...routes].filter((route) => {
      const [method, path] = route.split(' ') as [string, string];
      const documentedPath = path === '/provisioning/v1/openapi.json' ? '/openapi.json' : path;
      // `GET /x` (or `GET /x?query`), or `GET`/`POST /x` for a page and its form.
      const named = [`${method} ${documentedPath}\``, `${method} ${documentedPath}?`, `\`${method}\`/\`POST ${documentedPath}\``];
      return !named.some((form) => text.includes(form));
    });
    assert.deepEqual(missing, []);
  });
});
