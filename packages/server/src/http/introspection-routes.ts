import type { FastifyPluginAsync } from 'fastify';
import type { AppDependencies } from '../compose/compose-dependencies';
import { introspectToken } from '../core/tokens/introspect-token';
import { authenticatedTokenRequest } from './authenticated-token-request';
import { noStore } from './no-store';

/** `POST /oauth/introspect` (RFC 7662, SPEC §3): confidential clients only, no CORS. */
export const introspectionRoutes: FastifyPluginAsync<{ deps: AppDependencies }> = async (app, { deps }) => {
  app.post('/oauth/introspect', { config: { wire: 'oauth' } }, async (request, reply) => {
    const { client, token } = await authenticatedTokenRequest(request, deps);
    return noStore(reply).send(await introspectToken(client, token, deps.tokens));
  });
};
