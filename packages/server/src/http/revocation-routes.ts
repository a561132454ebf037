import type { FastifyPluginAsync } from 'fastify';
import type { OAuthClient } from '../core/model/client';
import { authenticatedTokenRequest, type ClientAuthenticator } from './authenticated-token-request';
import { allowAnyOrigin, registerPreflight } from './cors';
import { oauthNoStore } from './no-store';

export interface RevocationRoutesOptions {
  readonly authenticate: ClientAuthenticator;
  /** core/grants/revoke-token.ts, bound. */
  revoke(client: OAuthClient, token: string): Promise<void>;
}

/** `POST /oauth/revoke` (RFC 7009, SPEC §3): browsers may call it, like the token endpoint. */
export const revocationRoutes: FastifyPluginAsync<RevocationRoutesOptions> = async (app, o) => {
  app.addHook('onRequest', (_request, reply, done) => {
    allowAnyOrigin(reply);
    done();
  });
  registerPreflight(app, '/oauth/revoke', 'POST');
  app.post('/oauth/revoke', { config: { wire: 'oauth' } }, async (request, reply) => {
    const { client, token } = await authenticatedTokenRequest(request, o.authenticate);
    await o.revoke(client, token);
    return oauthNoStore(reply).send({});
  });
};
