/**
 * One OpenAPI 3.1 operation, as a route declares it in `config.openapi` (docs/adr/0016): the
 * provisioning API's document is assembled from the operations of the routes Fastify registers, so a
 * route and its description are written side by side and cannot drift apart unnoticed.
 */
export interface OpenApiOperation {
  readonly summary: string;
  readonly description?: string;
  readonly tags?: readonly string[];
  readonly parameters?: readonly Record<string, unknown>[];
  readonly requestBody?: Record<string, unknown>;
  readonly responses: Readonly<Record<string, unknown>>;
  /** Set for the one route that needs no token (the document itself). */
  readonly security?: readonly Record<string, readonly string[]>[];
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route's entry in the OpenAPI document of its API. */
    openapi?: OpenApiOperation;
  }
}
