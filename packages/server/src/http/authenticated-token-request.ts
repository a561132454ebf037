import type { FastifyRequest } from 'fastify';
import type { AppDependencies } from '../compose/compose-dependencies';
import { authenticateClient } from '../core/client-auth/authenticate-client';
import { InvalidRequestError } from '../core/errors';
import type { OAuthClient } from '../core/model/client';
import { oauthParams } from './oauth-params';
import { presentedClientFromRequest } from './presented-client-from-request';

/** Revocation and introspection requests alike: an authenticated client and the `token` it names. */
export async function authenticatedTokenRequest(
  request: FastifyRequest,
  deps: AppDependencies,
): Promise<{ client: OAuthClient; token: string }> {
  const params = oauthParams(request);
  const client = await authenticateClient(presentedClientFromRequest(request, params), deps.grants.clients, deps.secretHasher, deps.clock);
  if (!params.token) throw new InvalidRequestError('token is required');
  return { client, token: params.token };
}
