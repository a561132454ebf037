import type { OpenApiOperation } from './openapi-operation';

/** A route as Fastify registered it, with its declared operation. */
export interface DocumentedRoute {
  readonly method: string;
  /** Fastify's form: `/provisioning/v1/stores/:storeId`. */
  readonly url: string;
  readonly operation: OpenApiOperation;
}

/** `/stores/:storeId/skus/:id` → `/stores/{storeId}/skus/{id}` (OpenAPI path templating). */
export const openApiPath = (url: string): string => url.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');

const errorsSchema = {
  type: 'object',
  required: ['errors'],
  properties: {
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['status', 'code', 'title'],
        properties: {
          status: { type: 'string' },
          code: { type: 'string', description: 'VALIDATION_ERROR, NOT_FOUND, CONFLICT, UNAUTHORIZED, FORBIDDEN, ...' },
          title: { type: 'string' },
          detail: { type: 'string' },
          source: {
            type: 'object',
            properties: { pointer: { type: 'string' }, parameter: { type: 'string' } },
          },
        },
      },
    },
  },
};

/**
 * The OpenAPI 3.1 document of the provisioning API (SPEC §5), from the routes under `prefix` that
 * declared an operation: paths in Fastify's registration order, methods as registered.
 */
export function openApiDocument(routes: readonly DocumentedRoute[], o: { issuer: string; version: string; prefix: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = openApiPath(route.url.slice(o.prefix.length));
    const method = route.method.toLowerCase();
    const item = paths[path] ?? {};
    paths[path] = item;
    const operationId = `${method}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`;
    item[method] = { operationId, ...route.operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Countersign provisioning API',
      version: o.version,
      description:
        'Stores, their markets, customers, credentials and staff; users and third-party apps; grants, the audit log and signing keys. Every request carries a bearer token: a token with the `provisioning` scope (for its own store) or the admin token. Records are bare JSON objects; errors are JSON:API `errors`.',
    },
    servers: [{ url: `${o.issuer.replace(/\/+$/, '')}${o.prefix}` }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'An access token with the `provisioning` scope (its own store), or the admin token (COUNTERSIGN_ADMIN_TOKEN)',
        },
      },
      schemas: { Errors: errorsSchema },
    },
  };
}
