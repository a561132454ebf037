import type { FastifyPluginAsync } from 'fastify';
import type { AppDependencies } from '../compose/compose-dependencies';
import { handleTokenRequest } from '../core/grants/handle-token-request';
import { rateLimitKey, requestClientAddress, trustedProxies } from './client-address';
import { allowAnyOrigin, registerPreflight } from './cors';
import { noStore } from './no-store';
import { oauthParams } from './oauth-params';
import { presentedClientFromRequest } from './presented-client-from-request';
import { tokenRateLimit } from './token-rate-limit';

/** `POST /oauth/token` and its alias `POST /oauth2-token` (SPEC §3). */
export const tokenRoutes: FastifyPluginAsync<{ deps: AppDependencies }> = async (app, { deps }) => {
  // In a hook rather than the handler so that error answers (a bad body included) carry it too.
  app.addHook('onRequest', (_request, reply, done) => {
    allowAnyOrigin(reply);
    done();
  });
  // After the CORS header, so that a browser can read the 429 too.
  app.addHook('onRequest', tokenRateLimit(deps.rateLimiting.tokenLimiter, deps.config));
  const trusted = trustedProxies(deps.config.trustedProxies);
  for (const path of ['/oauth/token', '/oauth2-token']) {
    registerPreflight(app, path, 'POST');
    app.post(path, { config: { wire: 'oauth' } }, async (request, reply) => {
      const params = oauthParams(request);
      const response = await handleTokenRequest(params, presentedClientFromRequest(request, params), deps.grants, {
        clientAddress: () => rateLimitKey(requestClientAddress(request, trusted)),
      });
      return noStore(reply).send(response);
    });
  }
};
