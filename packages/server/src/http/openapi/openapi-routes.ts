import type { FastifyPluginAsync } from 'fastify';
import { type DocumentedRoute, openApiDocument } from './openapi-document';

export interface OpenApiRoutesOptions {
  readonly issuer: string;
  /** The API's version as the document states it. */
  readonly version: string;
}

export const PROVISIONING_PREFIX = '/provisioning/v1';
export const OPENAPI_PATH = `${PROVISIONING_PREFIX}/openapi.json`;

/**
 * `GET /provisioning/v1/openapi.json` (SPEC §5): the OpenAPI 3.1 document of the provisioning API,
 * assembled from the routes Fastify registers under the prefix, each from the operation it declares
 * in `config.openapi` (docs/adr/0016). Registered before the other plugins and not encapsulated, so
 * that its `onRoute` hook sees every route. The document describes the API and holds no data, so it
 * is served without a token, like the JWKS and the metadata.
 */
const plugin: FastifyPluginAsync<OpenApiRoutesOptions> = async (app, o) => {
  const routes: DocumentedRoute[] = [];
  app.addHook('onRoute', (route) => {
    const operation = route.config?.openapi;
    if (!operation || !route.url.startsWith(PROVISIONING_PREFIX)) return;
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, url: route.url, operation });
  });
  let document: string | undefined;
  app.get(
    OPENAPI_PATH,
    {
      config: {
        openapi: {
          summary: 'This document',
          tags: ['meta'],
          security: [],
          responses: {
            '200': { description: 'The OpenAPI 3.1 document', content: { 'application/json': { schema: { type: 'object' } } } },
          },
        },
      },
    },
    async (_request, reply) => {
      document ??= JSON.stringify(openApiDocument(routes, { issuer: o.issuer, version: o.version, prefix: PROVISIONING_PREFIX }));
      return reply.type('application/json; charset=utf-8').header('cache-control', 'no-cache').send(document);
    },
  );
};

// Fastify's marker (as fastify-plugin sets it): the hook is added to the registering context.
Object.assign(plugin, { [Symbol.for('skip-override')]: true });
export const openApiRoutes = plugin;
