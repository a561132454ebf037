import type { FastifyPluginAsync } from 'fastify';
import type { AppDependencies } from '../compose/compose-dependencies';
import { revokeToken } from '../core/grants/revoke-token';
import { authenticatedTokenRequest } from './authenticated-token-request';
import { allowAnyOrigin, registerPreflight } from './cors';
import { noStore } from './no-store';

/** `POST /oauth/revoke` (RFC 7009, SPEC §3): browsers may call it, like the token endpoint. */
export const revocationRoutes: FastifyPluginAsync<{ deps: AppDependencies }> = async (app, { deps }) => {
  app.addHook('onRequest', (_request, reply, done) => {
    allowAnyOrigin(reply);
    done();
  });
  registerPreflight(app, '/oauth/revoke', 'POST');
  app.post('/oauth/revoke', { config: { wire: 'oauth' } }, async (request, reply) => {
    const { client, token } = await authenticatedTokenRequest(request, deps);
    await revokeToken(client, token, deps.tokens);
    return noStore(reply).send({});
  });
};
