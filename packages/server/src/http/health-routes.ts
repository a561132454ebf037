import type { FastifyPluginAsync } from 'fastify';

export interface HealthRoutesOptions {
  /** Resolves when the database answers. */
  ping(): Promise<void>;
}

/** `/healthz`: the process answers. `/readyz`: it can also reach its database. */
export const healthRoutes: FastifyPluginAsync<HealthRoutesOptions> = async (app, { ping }) => {
  app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));
  app.get('/readyz', { logLevel: 'warn' }, async (_request, reply) => {
    try {
      await ping();
      return { status: 'ready' };
    } catch {
      return reply.code(503).send({ status: 'unavailable', detail: 'database unreachable' });
    }
  });
};
