import type { FastifyPluginAsync } from 'fastify';
import type { OAuthClient } from '../core/model/client';
import { authenticatedTokenRequest, type ClientAuthenticator } from './authenticated-token-request';
import { oauthNoStore } from './no-store';

export interface IntrospectionRoutesOptions {
  readonly authenticate: ClientAuthenticator;
  /** core/tokens/introspect-token.ts, bound. */
  introspect(client: OAuthClient, token: string): Promise<Record<string, unknown>>;
}

/** `POST /oauth/introspect` (RFC 7662, SPEC §3): confidential clients only, no CORS. */
export const introspectionRoutes: FastifyPluginAsync<IntrospectionRoutesOptions> = async (app, o) => {
  app.post('/oauth/introspect', { config: { wire: 'oauth' } }, async (request, reply) => {
    const { client, token } = await authenticatedTokenRequest(request, o.authenticate);
    return oauthNoStore(reply).send(await o.introspect(client, token));
  });
};
