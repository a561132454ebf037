import type { FastifyPluginAsync } from 'fastify';
import { demoCallbackPage } from '../views/demo-callback-page';
import { sendPage } from './page-response';

/**
 * `GET /demo/callback`: the demo webapp's redirect URI (COUNTERSIGN_DEMO), so the README's browser
 * walk-through ends on a page showing `code`, `state` and `iss` instead of a 404.
 */
export const demoRoutes: FastifyPluginAsync = async (app) => {
  app.get('/demo/callback', { config: { wire: 'page' } }, async (request, reply) => {
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(request.query as Record<string, unknown>)) if (typeof v === 'string') params[k] = v;
    return sendPage(reply, 200, (nonce) => demoCallbackPage({ params, nonce }));
  });
};
