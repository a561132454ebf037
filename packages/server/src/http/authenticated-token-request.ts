import type { FastifyRequest } from 'fastify';
import type { PresentedClient } from '../core/client-auth/presented-client';
import { InvalidRequestError } from '../core/errors/oauth-errors';
import type { OAuthClient } from '../core/model/client';
import { oauthParams } from './oauth-params';
import { presentedClientFromRequest } from './presented-client-from-request';

/** Authenticates the client of a request (core/client-auth/authenticate-client.ts, bound). */
export type ClientAuthenticator = (presented: PresentedClient) => Promise<OAuthClient>;

/** Revocation and introspection requests alike: an authenticated client and the `token` it names. */
export async function authenticatedTokenRequest(
  request: FastifyRequest,
  authenticate: ClientAuthenticator,
): Promise<{ client: OAuthClient; token: string }> {
  const params = oauthParams(request);
  const client = await authenticate(presentedClientFromRequest(request, params));
  if (!params.token) throw new InvalidRequestError('token is required');
  return { client, token: params.token };
}
