import type { FastifyPluginAsync, onRequestAsyncHookHandler } from 'fastify';
import type { PresentedClient } from '../core/client-auth/presented-client';
import type { TokenRequestContext } from '../core/grants/token-request-context';
import type { TokenParams, TokenResponse } from '../core/grants/token-response';
import { allowAnyOrigin, registerPreflight } from './cors';
import { oauthNoStore } from './no-store';
import { oauthParams } from './oauth-params';
import { presentedClientFromRequest } from './presented-client-from-request';

export interface TokenRoutesOptions {
  /** The token endpoint of the core (core/grants/handle-token-request.ts), with its collaborators bound. */
  handleTokenRequest(params: TokenParams, presented: PresentedClient, context: TokenRequestContext): Promise<TokenResponse>;
  /** The rate limit of SPEC §3, as an onRequest hook (token-rate-limit.ts). */
  readonly rateLimit: onRequestAsyncHookHandler;
  /** `rateLimitKey(clientAddress)` of a request, for the grants that throttle sign-ins. */
  addressKey(request: Parameters<onRequestAsyncHookHandler>[0]): string;
  /** Told of every token answer (the metrics), when they are on. */
  readonly issued?: (grantType: string, response: TokenResponse) => void;
}

/** `POST /oauth/token` and its alias `POST /oauth2-token` (SPEC §3). */
export const tokenRoutes: FastifyPluginAsync<TokenRoutesOptions> = async (app, o) => {
  // In a hook rather than the handler so that error answers (a bad body included) carry it too.
  app.addHook('onRequest', (_request, reply, done) => {
    allowAnyOrigin(reply);
    done();
  });
  // After the CORS header, so that a browser can read the 429 too.
  app.addHook('onRequest', o.rateLimit);
  for (const path of ['/oauth/token', '/oauth2-token']) {
    registerPreflight(app, path, 'POST');
    app.post(path, { config: { wire: 'oauth', successLogLevel: 'debug', metricsByGrant: true } }, async (request, reply) => {
      const params = oauthParams(request);
      const response = await o.handleTokenRequest(params, presentedClientFromRequest(request, params), {
        clientAddress: () => o.addressKey(request),
      });
      o.issued?.(params.grant_type ?? '', response);
      return oauthNoStore(reply).send(response);
    });
  }
};
