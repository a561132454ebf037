import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * SPEC §3: the token, revoke, metadata and JWKS endpoints answer browsers (public sales channels run
 * client side): any origin, `Content-Type` allowed but not `Authorization`, no credentials, 204 to
 * preflight. Everything else sends no CORS headers at all, which is why this is per route rather
 * than @fastify/cors's instance-wide hook.
 */
export function allowAnyOrigin(reply: FastifyReply): FastifyReply {
  return reply.header('access-control-allow-origin', '*');
}

export function registerPreflight(app: FastifyInstance, path: string, methods: string): void {
  app.options(path, async (_request, reply) =>
    allowAnyOrigin(reply)
      .header('access-control-allow-methods', methods)
      .header('access-control-allow-headers', 'Content-Type')
      .header('access-control-max-age', '600')
      .code(204)
      .send(),
  );
}
