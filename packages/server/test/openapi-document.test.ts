import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { FastifyInstance } from 'fastify';
import { cryptoRandom } from '../src/adapters/system/crypto-random';
import { appOptions } from '../src/compose/app-options';
import { type AppDependencies, composeDependencies } from '../src/compose/compose-dependencies';
import { buildApp } from '../src/http/build-app';
import { TestClock } from './support/test-clock';
import { testConfig } from './support/test-config';
import { openTestStorage } from './support/test-storage';

/**
 * SPEC §5: the provisioning API is described by an OpenAPI 3.1 document at
 * /provisioning/v1/openapi.json. It must be valid (checked by a maintained validator) and list
 * exactly the provisioning routes the server registers, with their methods.
 */
describe('GET /provisioning/v1/openapi.json', () => {
  let app: FastifyInstance;
  let deps: AppDependencies;
  let close: () => Promise<void>;
  const registered = new Set<string>();
  let document: {
    openapi: string;
    paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; requestBody?: unknown }>>;
  };

  before(async () => {
    const storage = await openTestStorage('sqlite');
    deps = await composeDependencies(testConfig(), storage, new TestClock(), cryptoRandom);
    app = await buildApp(appOptions(deps), {
      logger: false,
      onRoute: (route) => {
        if (!route.url.startsWith('/provisioning/v1')) return;
        for (const method of [route.method].flat()) if (method !== 'HEAD') registered.add(`${method} ${route.url}`);
      },
    });
    await app.ready();
    close = async () => {
      await app.close();
      await deps.close();
      await storage.close();
    };
    const res = await app.inject({ method: 'GET', url: '/provisioning/v1/openapi.json' });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    document = res.json();
  });
  after(() => close());

  test('is a valid OpenAPI 3.1 document', async () => {
    assert.equal(document.openapi, '3.1.0');
    const result = await new Validator().validate(document as never);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
    // The validator is no formality: a path that is not a path, or an operation without responses, fails it.
    const broken = { ...document, paths: { ...document.paths, stores: {} } };
    assert.equal((await new Validator().validate(broken as never)).valid, false);
  });

  test('lists exactly the provisioning routes Fastify registers, method for method', () => {
    const documented = new Set<string>();
    for (const [path, item] of Object.entries(document.paths)) {
      for (const method of Object.keys(item)) {
        documented.add(`${method.toUpperCase()} /provisioning/v1${path.replace(/\{([^}]+)\}/g, ':$1')}`);
      }
    }
    assert.ok(registered.size >= 60, `only ${registered.size} provisioning routes seen`);
    assert.deepEqual([...documented].sort(), [...registered].sort());
  });

  test('every path parameter is declared, lists take page[size] and page[after], writes describe their body', () => {
    for (const [path, item] of Object.entries(document.paths)) {
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const [method, operation] of Object.entries(item)) {
        const declared = (operation.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
        assert.deepEqual(declared.sort(), [...inPath].sort(), `${method} ${path}`);
      }
    }
    const list = document.paths['/stores/{storeId}/markets']?.get;
    assert.deepEqual(
      list?.parameters?.filter((p) => p.in === 'query').map((p) => p.name),
      ['page[size]', 'page[after]', 'mode'],
    );
    assert.ok(document.paths['/stores/{storeId}/credentials']?.post?.requestBody);
    assert.ok(document.paths['/apps/{id}']?.patch?.requestBody);
  });

  test('is served without a token and the rest of the API still needs one', async () => {
    assert.equal((await app.inject({ method: 'GET', url: '/provisioning/v1/stores' })).statusCode, 401);
  });
});
