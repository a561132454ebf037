import type { FastifyPluginAsync } from 'fastify';
import type { AppDependencies } from '../compose-dependencies';
import { authenticateClient } from '../core/client-auth/authenticate-client';
import { InvalidRequestError } from '../core/errors';
import { revokeToken } from '../core/tokens/revoke-token';
import { allowAnyOrigin, registerPreflight } from './cors';
import { noStore } from './no-store';
import { oauthParams } from './oauth-params';
import { presentedClientFromRequest } from './presented-client-from-request';

/** `POST /oauth/revoke` (RFC 7009, SPEC §3): browsers may call it, like the token endpoint. */
export const revocationRoutes: FastifyPluginAsync<{ deps: AppDependencies }> = async (app, { deps }) => {
  app.addHook('onRequest', async (_request, reply) => {
    allowAnyOrigin(reply);
  });
  registerPreflight(app, '/oauth/revoke', 'POST');
  app.post('/oauth/revoke', { config: { wire: 'oauth' } }, async (request, reply) => {
    const params = oauthParams(request);
    const client = await authenticateClient(
      presentedClientFromRequest(request, params),
      deps.grants.clients,
      deps.secretHasher,
      deps.clock,
    );
    if (!params.token) throw new InvalidRequestError('token is required');
    await revokeToken(client, params.token, deps.tokens);
    return noStore(reply).send({});
  });
};
