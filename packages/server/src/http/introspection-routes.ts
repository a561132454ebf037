import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { InvalidClientError, InvalidRequestError } from '../core/errors/oauth-errors';
import type { IntrospectionCaller } from '../core/tokens/introspection-caller';
import { authenticatedTokenRequest, type ClientAuthenticator } from './authenticated-token-request';
import { oauthNoStore } from './no-store';
import { oauthParams } from './oauth-params';

export interface IntrospectionRoutesOptions {
  readonly authenticate: ClientAuthenticator;
  /** Whether a bearer token is the bootstrap admin token (compared in constant time). */
  isAdminToken(token: string): boolean;
  /** core/tokens/introspect-token.ts, bound. */
  introspect(caller: IntrospectionCaller, token: string): Promise<Record<string, unknown>>;
}

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * `POST /oauth/introspect` (RFC 7662, SPEC §3), no CORS. The caller is a confidential client
 * (Basic or body credentials), or the admin token as `Authorization: Bearer` (RFC 7662 §2.1 allows
 * a bearer token as the caller's authorization). Any other bearer token is a failed authentication.
 */
export const introspectionRoutes: FastifyPluginAsync<IntrospectionRoutesOptions> = async (app, o) => {
  app.post('/oauth/introspect', { config: { wire: 'oauth' } }, async (request, reply) => {
    const { caller, token } = await introspectionRequest(request, o);
    return oauthNoStore(reply).send(await o.introspect(caller, token));
  });
};

async function introspectionRequest(
  request: FastifyRequest,
  o: IntrospectionRoutesOptions,
): Promise<{ caller: IntrospectionCaller; token: string }> {
  const bearer = BEARER.exec(request.headers.authorization?.trim() ?? '')?.[1];
  if (bearer === undefined) {
    const { client, token } = await authenticatedTokenRequest(request, o.authenticate);
    return { caller: { kind: 'client', client }, token };
  }
  const params = oauthParams(request);
  if (!o.isAdminToken(bearer)) throw new InvalidClientError('Client authentication failed');
  if (params.client_secret !== undefined)
    throw new InvalidRequestError('Use one authentication method, not a bearer token and client_secret both');
  if (!params.token) throw new InvalidRequestError('token is required');
  return { caller: { kind: 'admin' }, token: params.token };
}
