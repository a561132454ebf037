import type { FastifyPluginAsync } from 'fastify';
import type { AppDependencies } from '../compose-dependencies';
import { authenticateClient } from '../core/client-auth/authenticate-client';
import { InvalidRequestError } from '../core/errors';
import { introspectToken } from '../core/tokens/introspect-token';
import { noStore } from './no-store';
import { oauthParams } from './oauth-params';
import { presentedClientFromRequest } from './presented-client-from-request';

/** `POST /oauth/introspect` (RFC 7662, SPEC §3): confidential clients only, no CORS. */
export const introspectionRoutes: FastifyPluginAsync<{ deps: AppDependencies }> = async (app, { deps }) => {
  app.post('/oauth/introspect', { config: { wire: 'oauth' } }, async (request, reply) => {
    const params = oauthParams(request);
    const client = await authenticateClient(
      presentedClientFromRequest(request, params),
      deps.grants.clients,
      deps.secretHasher,
      deps.clock,
    );
    if (!params.token) throw new InvalidRequestError('token is required');
    return noStore(reply).send(await introspectToken(client, params.token, deps.tokens));
  });
};
